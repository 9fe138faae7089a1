/**
 * DMARC (RFC 7489): record discovery at the From domain and its organizational domain (public suffix
 * list), identifier alignment over the SPF and DKIM results, policy and disposition (pct sampling with
 * an injected random source). May import {@code org.mailhook.auth}, its SPF and DKIM subpackages and
 * {@code org.mailhook.dns}.
 */
package org.mailhook.auth.dmarc;
