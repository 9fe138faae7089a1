package org.mailhook.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures: {@code v1,} HMAC-SHA256 over {@code id.timestamp.payload}.
 * Signing with several secrets gives several space-separated signatures, so a secret can be rotated
 * without downtime; verification accepts any one of them.
 */
public final class WebhookSignature {
    public static final String ID_HEADER = "webhook-id";
    public static final String TIMESTAMP_HEADER = "webhook-timestamp";
    public static final String SIGNATURE_HEADER = "webhook-signature";
    /** The spec's default tolerance for the timestamp, both ways. */
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    private WebhookSignature() {
    }

    /** The {@code webhook-signature} header value for these secrets. */
    public static String sign(List<WebhookSecret> secrets, String id, long timestampSeconds, byte[] payload) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one secret is needed to sign");
        }
        List<String> signatures = new ArrayList<>();
        for (WebhookSecret secret : secrets) {
            signatures.add("v1," + Base64.getEncoder().encodeToString(hmac(secret, id, timestampSeconds, payload)));
        }
        return String.join(" ", signatures);
    }

    /**
     * Checks the three headers against the payload.
     *
     * @return empty when valid, otherwise the reason it is not
     */
    public static Optional<String> verify(WebhookSecret secret, String id, String timestamp, String signatureHeader,
                                          byte[] payload, Clock clock, Duration tolerance) {
        if (id == null || id.isEmpty()) {
            return Optional.of("missing webhook-id header");
        }
        if (timestamp == null || timestamp.isEmpty()) {
            return Optional.of("missing webhook-timestamp header");
        }
        if (signatureHeader == null || signatureHeader.isEmpty()) {
            return Optional.of("missing webhook-signature header");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            return Optional.of("webhook-timestamp is not a number");
        }
        Instant now = clock.instant();
        if (Instant.ofEpochSecond(seconds).isBefore(now.minus(tolerance))) {
            return Optional.of("webhook-timestamp too old");
        }
        if (Instant.ofEpochSecond(seconds).isAfter(now.plus(tolerance))) {
            return Optional.of("webhook-timestamp too new");
        }
        byte[] expected = hmac(secret, id, seconds, payload);
        for (String candidate : signatureHeader.trim().split(" +")) {
            int comma = candidate.indexOf(',');
            if (comma < 0 || !candidate.substring(0, comma).equals("v1")) {
                continue;
            }
            byte[] given;
            try {
                given = Base64.getDecoder().decode(candidate.substring(comma + 1));
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (MessageDigest.isEqual(expected, given)) {
                return Optional.empty();
            }
        }
        return Optional.of("no matching signature");
    }

    private static byte[] hmac(WebhookSecret secret, String id, long timestampSeconds, byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.key(), "HmacSHA256"));
            mac.update((id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable in this JVM", e);
        }
    }
}
