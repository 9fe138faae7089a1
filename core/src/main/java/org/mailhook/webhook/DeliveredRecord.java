package org.mailhook.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What is kept of a delivery a receiver acknowledged with a 2xx: enough to list it and to replay it
 * (the archived mail's key, the route that went into the payload, the webhook-id). Stored as JSON text
 * in one mail attribute, so any James repository keeps it.
 *
 * @param webhookId  the webhook-id of the delivery (one per mail and endpoint)
 * @param acceptedAt when the mail was queued for this endpoint (or redelivered)
 * @param attempts   attempts this delivery took since it was queued (or redelivered); the history has all
 * @param lastStatus the acknowledging HTTP status
 * @param history    the attempt history, JSON array text ({@link AttemptHistory})
 * @param route      the {@code route} object added to the payload, JSON text
 * @param archiveKey the key of the mail in the archive ({@code mailhook.archive.id}), empty when not archived
 */
public record DeliveredRecord(String webhookId, Optional<String> mailhookId, String endpoint, List<String> recipients,
                              Optional<String> subject, Instant acceptedAt, Instant deliveredAt, long attempts, int lastStatus,
                              String history, String route, Optional<String> archiveKey) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern KEY = Pattern.compile("d(\\d{13})-(.+)");

    public DeliveredRecord {
        recipients = List.copyOf(recipients);
    }

    /**
     * The repository key, {@code d<13-digit acceptedAt millis>-<webhook-id>}: both are fixed for a queued
     * delivery, so a crash after the record is written and before the queue item is acknowledged repeats
     * the attempt and the repeat overwrites this record instead of adding one. Keys sort by acceptance,
     * so a listing reads records newest first and stops at its limit; the retention needs to read only
     * records accepted before its cutoff.
     */
    public String key() {
        return keyOf(acceptedAt.toEpochMilli(), webhookId);
    }

    /** The {@link #key()} of the record a queued delivery gets once acknowledged. */
    public static String keyOf(long acceptedAtMillis, String webhookId) {
        // By hand: String.format showed in the profile of the webhook consumer (the key is made twice per delivery).
        String millis = Long.toString(Math.max(0, acceptedAtMillis));
        return "d" + "0".repeat(Math.max(0, 13 - millis.length())) + millis + "-" + webhookId;
    }

    /** When the delivery of the record with this key was accepted, or empty when the key is not one of ours. */
    public static Optional<Instant> acceptedAtOfKey(String key) {
        Matcher m = KEY.matcher(key == null ? "" : key);
        return m.matches() ? Optional.of(Instant.ofEpochMilli(Long.parseLong(m.group(1)))) : Optional.empty();
    }

    /** Whether the record is older than {@code retention} at {@code now} (by when it was delivered). */
    public boolean expired(Instant now, Duration retention) {
        return deliveredAt.isBefore(now.minus(retention));
    }

    /** The last entry of the history, or empty. */
    public Optional<JsonNode> lastAttempt() {
        JsonNode list = readTree(history);
        return list.isArray() && list.size() > 0 ? Optional.of(list.get(list.size() - 1)) : Optional.empty();
    }

    public String toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("webhookId", webhookId);
        node.put("mailhookId", mailhookId.orElse(null));
        node.put("endpoint", endpoint);
        ArrayNode list = node.putArray("recipients");
        recipients.forEach(list::add);
        node.put("subject", subject.orElse(null));
        node.put("acceptedAt", acceptedAt.toString());
        node.put("deliveredAt", deliveredAt.toString());
        node.put("attempts", attempts);
        node.put("lastStatus", lastStatus);
        node.set("history", readTree(history));
        node.set("route", readTree(route));
        node.put("archiveKey", archiveKey.orElse(null));
        return node.toString();
    }

    /** The record written by {@link #toJson()}, or empty when the text is not one. */
    public static Optional<DeliveredRecord> fromJson(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || !node.path("webhookId").isTextual() || !node.path("endpoint").isTextual()) {
                return Optional.empty();
            }
            List<String> recipients = new ArrayList<>();
            node.path("recipients").forEach(r -> recipients.add(r.asText()));
            return Optional.of(new DeliveredRecord(node.path("webhookId").asText(), text(node, "mailhookId"),
                node.path("endpoint").asText(), recipients, text(node, "subject"),
                Instant.parse(node.path("acceptedAt").asText()), Instant.parse(node.path("deliveredAt").asText()),
                node.path("attempts").asLong(), node.path("lastStatus").asInt(),
                node.path("history").isArray() ? node.path("history").toString() : "[]",
                node.path("route").isObject() ? node.path("route").toString() : "null", text(node, "archiveKey")));
        } catch (Exception e) {
            // unreadable JSON or instants: not a record
            return Optional.empty();
        }
    }

    private static Optional<String> text(JsonNode node, String field) {
        return node.path(field).isTextual() ? Optional.of(node.path(field).asText()) : Optional.empty();
    }

    private static JsonNode readTree(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            return node == null ? JSON.nullNode() : node;
        } catch (Exception e) {
            return JSON.nullNode();
        }
    }
}
