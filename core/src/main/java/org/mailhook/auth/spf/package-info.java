/**
 * SPF (RFC 7208): record parsing, macro expansion and evaluation with the RFC's DNS lookup and void-
 * lookup limits. May import {@code org.mailhook.auth} and {@code org.mailhook.dns}.
 */
package org.mailhook.auth.spf;
