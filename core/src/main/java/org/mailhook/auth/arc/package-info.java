/**
 * ARC (RFC 8617): parses ARC sets and validates the chain (seals and the latest message signature).
 * Reuses the DKIM canonicalization and key lookup; may import {@code org.mailhook.auth}, {@code
 * org.mailhook.auth.dkim} and {@code org.mailhook.dns}.
 */
package org.mailhook.auth.arc;
