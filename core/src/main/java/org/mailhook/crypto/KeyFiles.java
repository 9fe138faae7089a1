package org.mailhook.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Key files: base64 (standard or URL alphabet) of 32 random bytes or more, blanks around it ignored.
 * A key file's bytes are never used as they are: each purpose derives its own key with HMAC-SHA256 over
 * a label, so one file can serve several purposes without one's output ever being valid for another.
 */
public final class KeyFiles {
    /** The smallest key accepted: 256 bits. */
    public static final int MIN_BYTES = 32;

    private KeyFiles() {
    }

    /**
     * The key a file holds.
     *
     * @throws IllegalArgumentException naming the file and what is wrong, never showing its content
     */
    public static byte[] read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " cannot be read: " + e.getMessage(), e);
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text.replace('-', '+').replace('_', '/'));
        } catch (IllegalArgumentException e) {
            // not the decoder's message: it quotes the offending character
            throw new IllegalArgumentException(file + " is not base64 (32 random bytes or more, e.g. `openssl rand -base64 32`)");
        }
        try {
            checkLength(key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        return key;
    }

    /** @throws IllegalArgumentException when {@code key} is shorter than {@link #MIN_BYTES} */
    public static void checkLength(byte[] key) {
        if (key.length < MIN_BYTES) {
            throw new IllegalArgumentException("the key has " + key.length + " bytes; it needs at least " + MIN_BYTES);
        }
    }

    /** A fresh key file's content: 32 bytes from {@code random}, base64url. */
    public static String generate(SecureRandom random) {
        byte[] key = new byte[MIN_BYTES];
        random.nextBytes(key);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    }

    /** The key for one purpose: HMAC-SHA256 of {@code label} with {@code key} (32 bytes). */
    public static byte[] derive(byte[] key, String label) {
        return hmac(key, label.getBytes(StandardCharsets.US_ASCII));
    }

    /** HMAC-SHA256 of {@code data} with {@code key}. */
    public static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
