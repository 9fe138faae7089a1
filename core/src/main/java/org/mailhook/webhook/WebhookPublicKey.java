package org.mailhook.webhook;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A Standard Webhooks asymmetric verification key: {@code whpk_} followed by the base64 of the 32-byte
 * ed25519 public key. It is not secret, so {@link #toString()} shows it (receivers need to copy it).
 */
public final class WebhookPublicKey {
    static final String PREFIX = "whpk_";
    /** DER header of an X.509 SubjectPublicKeyInfo for Ed25519; the raw 32 key bytes follow it. */
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private final PublicKey key;
    private final byte[] raw;

    private WebhookPublicKey(PublicKey key, byte[] raw) {
        this.key = key;
        this.raw = raw;
    }

    public static WebhookPublicKey parse(String text) {
        byte[] raw = KeyText.decode(text, PREFIX, true, false, "ed25519 public key");
        if (raw.length != 32) {
            throw new IllegalArgumentException("an ed25519 public key must decode to 32 bytes, got " + raw.length);
        }
        byte[] der = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + raw.length);
        System.arraycopy(raw, 0, der, X509_PREFIX.length, raw.length);
        try {
            return new WebhookPublicKey(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der)), raw);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an ed25519 public key: " + e.getMessage());
        }
    }

    static WebhookPublicKey of(PublicKey key) {
        byte[] der = key.getEncoded();
        return new WebhookPublicKey(key, Arrays.copyOfRange(der, der.length - 32, der.length));
    }

    byte[] raw() {
        return raw.clone();
    }

    boolean verify(byte[] content, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(content);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof WebhookPublicKey that && Arrays.equals(raw, that.raw);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(raw);
    }

    @Override
    public String toString() {
        return PREFIX + Base64.getEncoder().encodeToString(raw);
    }
}
