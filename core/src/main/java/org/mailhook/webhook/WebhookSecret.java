package org.mailhook.webhook;

import java.util.Base64;

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
        byte[] key = KeyText.decode(text, PREFIX, false, true, "webhook secret");
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
