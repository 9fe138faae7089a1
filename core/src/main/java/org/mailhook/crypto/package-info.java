/**
 * The server's cryptography in one place: key files ({@link org.mailhook.crypto.KeyFiles}, read and
 * derived per purpose) and AES-256-GCM ({@link org.mailhook.crypto.AesGcm}), used by the server key's
 * sealed secrets and by the sealed record files of {@code org.mailhook.store}.
 */
package org.mailhook.crypto;
