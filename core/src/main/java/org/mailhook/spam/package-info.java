/**
 * The spam verdict: a client for Rspamd's own HTTP protocol ({@code POST /checkv2}) and the verdict
 * it returns (score, required score, action, symbols, scanner and version), or an "unavailable"
 * verdict when Rspamd cannot answer in time. Imports no other Mailhook engine but {@code config}.
 */
package org.mailhook.spam;
