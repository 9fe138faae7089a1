/**
 * DKIM verification (RFC 6376, Ed25519 per RFC 8463, RSA key sizes per RFC 8301): tag lists,
 * canonicalization, body hashes, key records and signature checks, with a cap on signatures per mail.
 * May import {@code org.mailhook.auth} and {@code org.mailhook.dns}.
 */
package org.mailhook.auth.dkim;
