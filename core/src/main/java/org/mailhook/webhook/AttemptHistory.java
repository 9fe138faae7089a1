package org.mailhook.webhook;

import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A delivery's attempts as JSON text, for a mail attribute that survives queue serialization and goes
 * with the mail into the dead letters: {@code [{"attempt":1,"endpoint":"orders","webhookId":"msg_...",
 * "at":"2026-...Z","status":503,"latencyMs":120,"outcome":"RETRY","error":"HTTP 503","retryAfterS":30}, ...]}.
 */
public final class AttemptHistory {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AttemptHistory() {
    }

    /**
     * @param history the JSON so far (absent or unreadable starts a new list)
     * @return the JSON with this attempt appended
     */
    public static String append(Optional<String> history, int attempt, String endpointName, String webhookId,
                                AttemptResult result) {
        ArrayNode list = read(history);
        ObjectNode entry = list.addObject();
        entry.put("attempt", attempt);
        entry.put("endpoint", endpointName);
        entry.put("webhookId", webhookId);
        entry.put("at", result.startedAt().toString());
        entry.put("status", result.status());
        entry.put("latencyMs", result.latency().toMillis());
        entry.put("outcome", result.outcome().name());
        result.error().ifPresent(error -> entry.put("error", error));
        result.retryAfter().ifPresent(wait -> entry.put("retryAfterS", wait.toSeconds()));
        return list.toString();
    }

    /** How many attempts the history holds. */
    public static int attempts(Optional<String> history) {
        return read(history).size();
    }

    /**
     * The one log line that lets a grep follow a mail from SMTP to the endpoint: idempotency key,
     * webhook-id, attempt number and HTTP status together (never a secret or the URL's query).
     */
    public static String logLine(String idempotencyKey, Endpoint endpoint, String webhookId, int attempt, AttemptResult result) {
        return "webhook id=" + idempotencyKey + " webhook-id=" + webhookId + " endpoint=" + endpoint.name()
            + " attempt=" + attempt + " status=" + result.status() + " latencyMs=" + result.latency().toMillis()
            + " outcome=" + result.outcome().name().toLowerCase(Locale.ROOT)
            + result.error().map(error -> " error=\"" + error.replace("\"", "'") + "\"").orElse("")
            + " url=" + endpoint.displayUrl();
    }

    private static ArrayNode read(Optional<String> history) {
        if (history.isPresent()) {
            try {
                JsonNode node = JSON.readTree(history.get());
                if (node != null && node.isArray()) {
                    return (ArrayNode) node;
                }
            } catch (JsonProcessingException e) {
                // An unreadable history is replaced rather than blocking delivery.
            }
        }
        return JSON.createArrayNode();
    }
}
