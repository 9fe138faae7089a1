package org.mailhook.webhook;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;

import org.mailhook.crypto.AesGcm;
import org.mailhook.crypto.KeyFiles;

/**
 * The server's own key (32 random bytes or more, kept in a file): it seals secrets that must be
 * stored where others can read them (an instant address's webhook secret in a mail repository) and
 * signs attachment links. Each use has its own key derived with HMAC-SHA256 over a purpose label, so
 * a sealed secret can never be replayed as a link signature. toString never shows the key.
 */
public final class ServerKey {
    /** The smallest key accepted: 256 bits. */
    public static final int MIN_BYTES = KeyFiles.MIN_BYTES;
    private static final String SEALED_PREFIX = "v1.";

    private final SecretKey sealKey;
    private final byte[] linkKey;
    private final SecureRandom random;

    public ServerKey(byte[] key, SecureRandom random) {
        if (key.length < MIN_BYTES) {
            throw new IllegalArgumentException("the server key has " + key.length + " bytes; it needs at least " + MIN_BYTES);
        }
        this.sealKey = AesGcm.key(KeyFiles.derive(key, "mailhook sealed secret v1"));
        this.linkKey = KeyFiles.derive(key, "mailhook signed link v1");
        this.random = random;
    }

    /**
     * Reads a key file: base64 (standard or URL alphabet) of at least 32 bytes, blanks around it ignored.
     *
     * @throws IllegalArgumentException naming the file, never showing its content
     */
    public static ServerKey read(Path file, SecureRandom random) {
        return new ServerKey(KeyFiles.read(file), random);
    }

    /** A fresh key's file content: 32 bytes from {@code random}, base64url. */
    public static String generate(SecureRandom random) {
        return KeyFiles.generate(random);
    }

    /** {@code text} encrypted and authenticated (AES-256-GCM, a random nonce): {@code v1.<base64url>}. */
    public String seal(String text) {
        byte[] nonce = AesGcm.nonce(random);
        byte[] plain = text.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[nonce.length + plain.length + AesGcm.TAG_BYTES];
        System.arraycopy(nonce, 0, out, 0, nonce.length);
        AesGcm.seal(AesGcm.cipher(), sealKey, nonce, null, plain, 0, plain.length, out, nonce.length);
        return SEALED_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    }

    /** What {@link #seal} sealed with this key; empty when the text was sealed with another key or changed. */
    public Optional<String> open(String sealed) {
        if (!sealed.startsWith(SEALED_PREFIX)) {
            return Optional.empty();
        }
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(sealed.substring(SEALED_PREFIX.length()));
            if (bytes.length < AesGcm.NONCE_BYTES + AesGcm.TAG_BYTES) {
                return Optional.empty();
            }
            byte[] plain = AesGcm.open(AesGcm.cipher(), sealKey, Arrays.copyOfRange(bytes, 0, AesGcm.NONCE_BYTES), null,
                bytes, AesGcm.NONCE_BYTES, bytes.length - AesGcm.NONCE_BYTES);
            return Optional.of(new String(plain, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | AEADBadTagException e) {
            return Optional.empty();
        }
    }

    /** HMAC-SHA256 of {@code text} with the link key, base64url: an attachment link's signature. */
    public String signLink(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(KeyFiles.hmac(linkKey, text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Whether {@code signature} is {@link #signLink}'s for {@code text}, compared in constant time. */
    public boolean verifyLink(String text, String signature) {
        return MessageDigest.isEqual(signLink(text).getBytes(StandardCharsets.US_ASCII), signature.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        return "ServerKey[***]";
    }
}
