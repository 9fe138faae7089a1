/**
 * SMTP hooks: {@code FreeSpaceHook} answers 452 at MAIL FROM and at the end of DATA while the free-
 * space guard is engaged, so no mail gets a 250 that cannot be stored. May import James' protocol API
 * and {@code org.mailhook.disk}.
 */
package org.mailhook.smtp;
