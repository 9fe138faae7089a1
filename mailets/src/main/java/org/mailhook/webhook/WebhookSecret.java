package org.mailhook.webhook;

import java.util.Base64;
import java.util.Objects;

/**
 * A Standard Webhooks symmetric secret: {@code whsec_} followed by base64 key bytes (the prefix is
 * optional on input, as in the reference libraries). {@link #toString()} never shows the key.
 */
public final class WebhookSecret {
    private static final String PREFIX = "whsec_";

    private final byte[] key;

    private WebhookSecret(byte[] key) {
        this.key = key;
    }

    public static WebhookSecret parse(String text) {
        Objects.requireNonNull(text, "secret");
        String encoded = text.trim().startsWith(PREFIX) ? text.trim().substring(PREFIX.length()) : text.trim();
        byte[] key;
        try {
            key = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a webhook secret must be 'whsec_' followed by base64 (the value is not shown)");
        }
        if (key.length < 16 || key.length > 64) {
            throw new IllegalArgumentException("a webhook secret must decode to 16..64 bytes, got " + key.length + " (the value is not shown)");
        }
        return new WebhookSecret(key);
    }

    /** A fresh random secret, as {@code whsec_...}. */
    public static String generate(java.security.SecureRandom random) {
        byte[] key = new byte[24];
        random.nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    byte[] key() {
        return key.clone();
    }

    @Override
    public String toString() {
        return PREFIX + "***";
    }
}
