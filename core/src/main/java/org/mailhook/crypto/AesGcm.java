package org.mailhook.crypto;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM with a random 96-bit nonce per message and a 128-bit tag: encrypted and authenticated,
 * with associated data bound to the ciphertext. Sealing writes into the caller's buffer, so a record is
 * encrypted in one pass straight into the bytes written to disk. A {@link Cipher} is not thread-safe:
 * each call takes one from {@link #cipher()} (cheap) and may reuse it for the parts of one record.
 */
public final class AesGcm {
    public static final int KEY_BYTES = 32;
    public static final int NONCE_BYTES = 12;
    public static final int TAG_BYTES = 16;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";

    private AesGcm() {
    }

    /** An AES key of exactly 32 bytes. */
    public static SecretKey key(byte[] bytes) {
        if (bytes.length != KEY_BYTES) {
            throw new IllegalArgumentException("an AES-256 key has 32 bytes, not " + bytes.length);
        }
        return new SecretKeySpec(bytes, "AES");
    }

    public static Cipher cipher() {
        try {
            return Cipher.getInstance(TRANSFORMATION);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    public static byte[] nonce(SecureRandom random) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        return nonce;
    }

    /**
     * Encrypts {@code length} bytes of {@code plain} into {@code out} at {@code outOffset}: the ciphertext
     * then the tag, {@code length + TAG_BYTES} bytes.
     *
     * @param nonce never used twice with one key: {@link #nonce} per message
     * @param associated authenticated, not encrypted; {@code null} for none
     * @return the bytes written
     */
    public static int seal(Cipher cipher, SecretKey key, byte[] nonce, byte[] associated,
                           byte[] plain, int offset, int length, byte[] out, int outOffset) {
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
            if (associated != null) {
                cipher.updateAAD(associated);
            }
            return cipher.doFinal(plain, offset, length, out, outOffset);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM sealing failed", e);
        }
    }

    /**
     * What {@link #seal} sealed: {@code length} bytes of {@code sealed} (ciphertext and tag) decrypted.
     *
     * @throws AEADBadTagException when the key, nonce, associated data or any byte differs from the sealing's
     */
    public static byte[] open(Cipher cipher, SecretKey key, byte[] nonce, byte[] associated,
                              byte[] sealed, int offset, int length) throws AEADBadTagException {
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
            if (associated != null) {
                cipher.updateAAD(associated);
            }
            return cipher.doFinal(sealed, offset, length);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM opening failed", e);
        }
    }
}
