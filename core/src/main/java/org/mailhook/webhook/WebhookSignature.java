package org.mailhook.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures over {@code id.timestamp.payload}: {@code v1,} HMAC-SHA256 with each
 * {@code whsec_} secret and, optionally, {@code v1a,} ed25519 with a {@code whsk_} key. Signing with several
 * secrets gives several space-separated signatures, so a secret can be rotated without downtime;
 * verification accepts any one of them.
 */
public final class WebhookSignature {
    public static final String ID_HEADER = "webhook-id";
    public static final String TIMESTAMP_HEADER = "webhook-timestamp";
    public static final String SIGNATURE_HEADER = "webhook-signature";
    /** The spec's default tolerance for the timestamp, both ways. */
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    private static final String SYMMETRIC = "v1";
    private static final String ASYMMETRIC = "v1a";

    private WebhookSignature() {
    }

    /** The {@code webhook-signature} header value for these secrets. */
    public static String sign(List<WebhookSecret> secrets, String id, long timestampSeconds, byte[] payload) {
        return sign(secrets, Optional.empty(), id, timestampSeconds, payload);
    }

    /**
     * The {@code webhook-signature} header value: one {@code v1,} entry per secret, then a {@code v1a,} entry
     * when a signing key is given. At least one of the two is needed.
     */
    public static String sign(List<WebhookSecret> secrets, Optional<WebhookSigningKey> signingKey, String id,
                              long timestampSeconds, byte[] payload) {
        if (secrets.isEmpty() && signingKey.isEmpty()) {
            throw new IllegalArgumentException("a secret or a signing key is needed to sign");
        }
        // The spec forbids '.' in the id: it is the separator of the signed content.
        if (id.isEmpty() || id.contains(".")) {
            throw new IllegalArgumentException("a webhook-id must be non-empty and contain no '.': " + id);
        }
        byte[] content = signedContent(id, timestampSeconds, payload);
        List<String> signatures = new ArrayList<>();
        for (WebhookSecret secret : secrets) {
            signatures.add(SYMMETRIC + "," + Base64.getEncoder().encodeToString(hmac(secret, content)));
        }
        signingKey.ifPresent(key ->
            signatures.add(ASYMMETRIC + "," + Base64.getEncoder().encodeToString(key.sign(content))));
        return String.join(" ", signatures);
    }

    /**
     * Checks the three headers against the payload with a symmetric secret ({@code v1} entries).
     *
     * @return empty when valid, otherwise the reason it is not
     */
    public static Optional<String> verify(WebhookSecret secret, String id, String timestamp, String signatureHeader,
                                          byte[] payload, Clock clock, Duration tolerance) {
        return verify(SYMMETRIC, (content, given) -> MessageDigest.isEqual(hmac(secret, content), given),
            id, timestamp, signatureHeader, payload, clock, tolerance);
    }

    /**
     * Checks the three headers against the payload with an ed25519 public key ({@code v1a} entries).
     *
     * @return empty when valid, otherwise the reason it is not
     */
    public static Optional<String> verify(WebhookPublicKey publicKey, String id, String timestamp,
                                          String signatureHeader, byte[] payload, Clock clock, Duration tolerance) {
        return verify(ASYMMETRIC, publicKey::verify, id, timestamp, signatureHeader, payload, clock, tolerance);
    }

    private interface Check {
        boolean matches(byte[] content, byte[] signature);
    }

    private static Optional<String> verify(String version, Check check, String id, String timestamp,
                                           String signatureHeader, byte[] payload, Clock clock, Duration tolerance) {
        if (id == null || id.isEmpty()) {
            return Optional.of("missing webhook-id header");
        }
        if (timestamp == null || timestamp.isEmpty()) {
            return Optional.of("missing webhook-timestamp header");
        }
        if (signatureHeader == null || signatureHeader.isEmpty()) {
            return Optional.of("missing webhook-signature header");
        }
        // digits only, blanks around them allowed: String.trim() would also drop control characters
        // ("1765000000\0"), and parseLong would take a sign; the fuzz campaign found both accepted
        String digits = timestamp.strip();
        long seconds;
        try {
            if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new NumberFormatException(digits);
            }
            seconds = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return Optional.of("webhook-timestamp is not a number");
        }
        Instant now = clock.instant();
        Instant sent;
        try {
            sent = Instant.ofEpochSecond(seconds);
        } catch (DateTimeException e) {
            // beyond what Instant holds (found by the fuzz campaign): surely outside the tolerance
            return Optional.of(seconds < 0 ? "webhook-timestamp too old" : "webhook-timestamp too new");
        }
        if (sent.isBefore(now.minus(tolerance))) {
            return Optional.of("webhook-timestamp too old");
        }
        if (sent.isAfter(now.plus(tolerance))) {
            return Optional.of("webhook-timestamp too new");
        }
        byte[] content = signedContent(id, seconds, payload);
        for (String candidate : signatureHeader.trim().split(" +")) {
            int comma = candidate.indexOf(',');
            if (comma < 0 || !candidate.substring(0, comma).equals(version)) {
                continue;
            }
            byte[] given;
            try {
                given = Base64.getDecoder().decode(candidate.substring(comma + 1));
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (check.matches(content, given)) {
                return Optional.empty();
            }
        }
        return Optional.of("no matching signature");
    }

    private static byte[] signedContent(String id, long timestampSeconds, byte[] payload) {
        byte[] prefix = (id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8);
        byte[] content = new byte[prefix.length + payload.length];
        System.arraycopy(prefix, 0, content, 0, prefix.length);
        System.arraycopy(payload, 0, content, prefix.length, payload.length);
        return content;
    }

    private static byte[] hmac(WebhookSecret secret, byte[] content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.key(), "HmacSHA256"));
            return mac.doFinal(content);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable in this JVM", e);
        }
    }
}
