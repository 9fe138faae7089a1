/**
 * Which recipients an MX takes at {@code RCPT TO}: per domain, only the addresses a route or a minted
 * address covers ({@code routed}, answered {@code 550 5.1.1} otherwise) or every local part
 * ({@code catchAll}); and, optionally, an endpoint's own answer for each recipient ({@code RecipientCallback}),
 * asked with a request signed and sent exactly as webhooks are. The coverage itself comes from the caller;
 * this package uses {@code config} and {@code webhook} (the signer, the sender and its outbound address
 * policy) only.
 */
package org.mailhook.recipients;
