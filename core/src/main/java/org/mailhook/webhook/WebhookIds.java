package org.mailhook.webhook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The {@code webhook-id} of a delivery: derived from the mail's idempotency key ({@code mailhook.id}) and
 * the endpoint name, so it is the same on every attempt and every replay for that mail and endpoint, and
 * different per endpoint. Receivers deduplicate on it.
 */
public final class WebhookIds {
    private WebhookIds() {
    }

    /**
     * {@code msg_} and the first 27 base64url characters of SHA-256(key, newline, endpoint name) (162 bits);
     * never contains '.'. The derivation must never change: receivers deduplicate across versions on it.
     */
    public static String forDelivery(String idempotencyKey, String endpointName) {
        return of(idempotencyKey + "\n" + endpointName);
    }

    /**
     * The webhook-id of the {@code message.updated} event of revision {@code revision} (2, 3 ...): SHA-256(key,
     * newline, endpoint name, newline, {@code revision N}) the same way; one per revision and endpoint, so the
     * event is new to receivers and the same however often it is sent.
     */
    public static String forUpdate(String idempotencyKey, String endpointName, int revision) {
        return of(idempotencyKey + "\n" + endpointName + "\nrevision " + revision);
    }

    private static String of(String input) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(input.getBytes(StandardCharsets.UTF_8));
            return "msg_" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 27);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable in this JVM", e);
        }
    }
}
