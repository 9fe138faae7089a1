package org.mailhook.webhook;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Signed, expiring attachment links: each attachment of a webhook payload gets a {@code url} that
 * fetches its decoded bytes from WebAdmin without admin credentials, until it expires. The signature is
 * the server key's HMAC-SHA256 ({@link ServerKey#signLink}) over the message id, the part id and the
 * expiry (Unix seconds), so a link for one part, message or moment cannot be turned into another.
 */
public final class AttachmentLinks {
    /** Where the links point, below the base URL. */
    public static final String PATH = "/mailhook/links";
    /** The longest lifetime accepted: links are bearer credentials. */
    public static final Duration MAX_LIFETIME = Duration.ofDays(7);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] PART_ID = "\"partId\"".getBytes(StandardCharsets.US_ASCII);

    /** What a presented link is. */
    public enum Check { VALID, EXPIRED, INVALID }

    private final ServerKey key;
    private final String baseUrl;
    private final Duration lifetime;
    private final Clock clock;

    /**
     * @param baseUrl WebAdmin as receivers reach it ({@code https://mx.example:8000}), without a trailing slash
     * @throws IllegalArgumentException when the lifetime is not positive or beyond {@link #MAX_LIFETIME}
     */
    public AttachmentLinks(ServerKey key, String baseUrl, Duration lifetime, Clock clock) {
        if (lifetime.isZero() || lifetime.isNegative() || lifetime.compareTo(MAX_LIFETIME) > 0) {
            throw new IllegalArgumentException("the link lifetime must be above 0 and at most " + MAX_LIFETIME.toDays() + " days");
        }
        this.key = key;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /**
     * The payload with a {@code url} beside every attachment's {@code partId} (attached messages' own
     * attachments included), expiring one lifetime from now; a payload without an {@code id} or not a
     * JSON object is returned as it is.
     */
    public byte[] addTo(byte[] payload) {
        // Runs before every attempt (links expire from the send): most mail has no attachment, and a
        // byte scan spares it the JSON parse and rewrite.
        if (!contains(payload, PART_ID)) {
            return payload;
        }
        JsonNode document;
        try {
            document = JSON.readTree(payload);
        } catch (IOException e) {
            return payload;
        }
        if (!(document instanceof ObjectNode object) || !document.path("id").isTextual()) {
            return payload;
        }
        long expires = clock.instant().plus(lifetime).getEpochSecond();
        addLinks(object, object.path("id").asText(), expires);
        try {
            return JSON.writeValueAsBytes(object);
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to memory failed", e);
        }
    }

    private void addLinks(JsonNode message, String id, long expires) {
        for (JsonNode attachment : message.path("attachments")) {
            if (attachment instanceof ObjectNode object && object.path("partId").isTextual()) {
                object.put("url", url(id, object.path("partId").asText(), expires));
                if (object.has("message")) {
                    addLinks(object.get("message"), id, expires);
                }
            }
        }
    }

    /** The link to part {@code partId} of message {@code id}, valid until {@code expires} (Unix seconds). */
    public String url(String id, String partId, long expires) {
        return baseUrl + PATH + "/" + encode(id) + "/attachments/" + encode(partId) + "?expires=" + expires + "&signature="
            + key.signLink(signed(id, partId, expires));
    }

    /**
     * Judges a presented link against the server key and {@code clock}: a signature that does not match
     * (any of the three values changed) is invalid, whatever the expiry says.
     */
    public static Check check(ServerKey key, Clock clock, String id, String partId, String expires, String signature) {
        if (id == null || partId == null || expires == null || signature == null || !expires.matches("[0-9]{1,12}")) {
            return Check.INVALID;
        }
        long at = Long.parseLong(expires);
        if (!key.verifyLink(signed(id, partId, at), signature)) {
            return Check.INVALID;
        }
        return clock.instant().getEpochSecond() >= at ? Check.EXPIRED : Check.VALID;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static String signed(String id, String partId, long expires) {
        return id + "\n" + partId + "\n" + expires;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
