/**
 * Which recipients an MX takes at {@code RCPT TO}: per domain, only the addresses a route or a minted
 * address covers ({@code routed}, answered {@code 550 5.1.1} otherwise) or every local part
 * ({@code catchAll}). The coverage itself comes from the caller, so this package uses no other engine
 * but {@code config}.
 */
package org.mailhook.recipients;
