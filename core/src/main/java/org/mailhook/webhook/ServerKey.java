package org.mailhook.webhook;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The server's own key (32 random bytes or more, kept in a file): it seals secrets that must be
 * stored where others can read them (an instant address's webhook secret in a mail repository) and
 * signs attachment links. Each use has its own key derived with HMAC-SHA256 over a purpose label, so
 * a sealed secret can never be replayed as a link signature. toString never shows the key.
 */
public final class ServerKey {
    /** The smallest key accepted: 256 bits. */
    public static final int MIN_BYTES = 32;
    private static final String SEALED_PREFIX = "v1.";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final byte[] sealKey;
    private final byte[] linkKey;
    private final SecureRandom random;

    public ServerKey(byte[] key, SecureRandom random) {
        if (key.length < MIN_BYTES) {
            throw new IllegalArgumentException("the server key has " + key.length + " bytes; it needs at least " + MIN_BYTES);
        }
        this.sealKey = hmac(key, "mailhook sealed secret v1".getBytes(StandardCharsets.US_ASCII));
        this.linkKey = hmac(key, "mailhook signed link v1".getBytes(StandardCharsets.US_ASCII));
        this.random = random;
    }

    /**
     * Reads a key file: base64 (standard or URL alphabet) of at least 32 bytes, blanks around it ignored.
     *
     * @throws IllegalArgumentException naming the file, never showing its content
     */
    public static ServerKey read(Path file, SecureRandom random) {
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
            throw new IllegalArgumentException(file + " is not base64 (32 random bytes or more, e.g. `openssl rand -base64 32`)", e);
        }
        try {
            return new ServerKey(key, random);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** A fresh key's file content: 32 bytes from {@code random}, base64url. */
    public static String generate(SecureRandom random) {
        byte[] key = new byte[MIN_BYTES];
        random.nextBytes(key);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    }

    /** {@code text} encrypted and authenticated (AES-256-GCM, a random nonce): {@code v1.<base64url>}. */
    public String seal(String text) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(sealKey, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            byte[] sealed = cipher.doFinal(text.getBytes(StandardCharsets.UTF_8));
            ByteBuffer out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed);
            return SEALED_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(out.array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** What {@link #seal} sealed with this key; empty when the text was sealed with another key or changed. */
    public Optional<String> open(String sealed) {
        if (!sealed.startsWith(SEALED_PREFIX)) {
            return Optional.empty();
        }
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(sealed.substring(SEALED_PREFIX.length()));
            if (bytes.length <= NONCE_BYTES) {
                return Optional.empty();
            }
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(sealKey, "AES"),
                new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(bytes, 0, NONCE_BYTES)));
            return Optional.of(new String(cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    /** HMAC-SHA256 of {@code text} with the link key, base64url: an attachment link's signature. */
    public String signLink(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(linkKey, text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Whether {@code signature} is {@link #signLink}'s for {@code text}, compared in constant time. */
    public boolean verifyLink(String text, String signature) {
        return MessageDigest.isEqual(signLink(text).getBytes(StandardCharsets.US_ASCII), signature.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    @Override
    public String toString() {
        return "ServerKey[***]";
    }
}
