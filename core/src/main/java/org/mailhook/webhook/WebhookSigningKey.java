package org.mailhook.webhook;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * A Standard Webhooks asymmetric (ed25519, {@code v1a}) signing key: {@code whsk_} followed by the base64
 * of the 32-byte RFC 8032 private key (seed). The 64-byte libsodium form (seed followed by the public key)
 * is accepted too. {@link #toString()} never shows the key.
 */
public final class WebhookSigningKey {
    static final String PREFIX = "whsk_";
    private static final int SEED_LENGTH = 32;

    private final PrivateKey privateKey;
    private final WebhookPublicKey publicKey;

    private WebhookSigningKey(byte[] seed) {
        try {
            privateKey = KeyFactory.getInstance("Ed25519")
                .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
            // The JDK has no "public key from private key" call; its generator derives the pair from the
            // 32 bytes it draws, so a source that yields exactly our seed derives our public key.
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(NamedParameterSpec.ED25519, new FixedBytes(seed));
            KeyPair pair = generator.generateKeyPair();
            publicKey = WebhookPublicKey.of(pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 unavailable in this JVM", e);
        }
    }

    public static WebhookSigningKey parse(String text) {
        byte[] decoded = KeyText.decode(text, PREFIX, true, true, "ed25519 signing key");
        if (decoded.length != SEED_LENGTH && decoded.length != 2 * SEED_LENGTH) {
            throw new IllegalArgumentException("an ed25519 signing key must decode to 32 or 64 bytes, got "
                + decoded.length + " (the value is not shown)");
        }
        WebhookSigningKey key = new WebhookSigningKey(Arrays.copyOf(decoded, SEED_LENGTH));
        if (decoded.length == 2 * SEED_LENGTH
            && !Arrays.equals(key.publicKey.raw(), Arrays.copyOfRange(decoded, SEED_LENGTH, decoded.length))) {
            throw new IllegalArgumentException("the 64-byte ed25519 signing key's public half does not match its seed");
        }
        return key;
    }

    /** A fresh random key, as {@code whsk_...}; its public half is {@code parse(result).publicKey()}. */
    public static String generate(SecureRandom random) {
        byte[] seed = new byte[SEED_LENGTH];
        random.nextBytes(seed);
        return PREFIX + Base64.getEncoder().encodeToString(seed);
    }

    public WebhookPublicKey publicKey() {
        return publicKey;
    }

    byte[] sign(byte[] content) {
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(privateKey);
            signature.update(content);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    @Override
    public String toString() {
        return PREFIX + "***";
    }

    /** Hands out the given bytes instead of random ones; only used to derive a public key. */
    private static final class FixedBytes extends SecureRandom {
        private final byte[] bytes;

        FixedBytes(byte[] bytes) {
            this.bytes = bytes.clone();
        }

        @Override
        public void nextBytes(byte[] out) {
            if (out.length != bytes.length) {
                throw new IllegalStateException("unexpected request for " + out.length + " bytes");
            }
            System.arraycopy(bytes, 0, out, 0, out.length);
        }
    }
}
