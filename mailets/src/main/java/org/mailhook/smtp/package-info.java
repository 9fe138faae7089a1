/**
 * SMTP hooks: {@code FreeSpaceHook} answers 452 at MAIL FROM and at the end of DATA while the free-
 * space guard is engaged, so no mail gets a 250 that cannot be stored; {@code RejectUnroutedRecipients}
 * answers 550 5.1.1 at RCPT TO for recipients no route covers; {@code CountSmtpRefusals} counts 4xx/5xx
 * answers by sender domain. May import James' protocol API, {@code org.mailhook.mailets},
 * {@code org.mailhook.ops} and the core engines.
 */
package org.mailhook.smtp;
