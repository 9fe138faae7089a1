package org.mailhook.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class DeliveryDecisionTest {
    private static final RetrySchedule SCHEDULE = RetrySchedule.parse("3*1m").withJitter(RetrySchedule.Jitter.NONE);
    /** Computed independently (Python hashlib) from "mh-123\ndefault". */
    private static final String PINNED_ID = "msg_9jI6TM9EnYSXA_kkZXwLM0QnfjJ";
    private static final Instant AT = Instant.parse("2026-11-29T06:00:00Z");

    private static AttemptResult attempt(int status, DeliveryOutcome outcome, Optional<Duration> retryAfter) {
        return new AttemptResult(AT, status, Duration.ofMillis(120), status == 200 ? Optional.empty()
            : Optional.of("HTTP " + status), outcome, retryAfter);
    }

    @Test
    void decisionsFollowTheOutcomeAndTheSchedule() {
        assertThat(DeliveryDecision.after(attempt(200, DeliveryOutcome.DELIVERED, Optional.empty()), 1, Duration.ZERO, SCHEDULE)
            .action()).isEqualTo(DeliveryDecision.Action.DONE);

        DeliveryDecision retry = DeliveryDecision.after(attempt(503, DeliveryOutcome.RETRY, Optional.empty()), 1, Duration.ZERO, SCHEDULE);
        assertThat(retry.action()).isEqualTo(DeliveryDecision.Action.RETRY);
        assertThat(retry.retryIn()).contains(Duration.ofMinutes(1));

        DeliveryDecision throttled = DeliveryDecision.after(attempt(429, DeliveryOutcome.RETRY, Optional.of(Duration.ofMinutes(5))),
            2, Duration.ofMinutes(1), SCHEDULE);
        assertThat(throttled.retryIn()).contains(Duration.ofMinutes(5));

        DeliveryDecision exhausted = DeliveryDecision.after(attempt(503, DeliveryOutcome.RETRY, Optional.empty()), 4,
            Duration.ofMinutes(3), SCHEDULE);
        assertThat(exhausted.action()).isEqualTo(DeliveryDecision.Action.DEAD_LETTER);
        assertThat(exhausted.reason().orElseThrow()).isEqualTo("retries exhausted after 4 attempts over 3m; last: HTTP 503");

        DeliveryDecision gone = DeliveryDecision.after(attempt(410, DeliveryOutcome.GONE, Optional.empty()), 1, Duration.ZERO, SCHEDULE);
        assertThat(gone.action()).isEqualTo(DeliveryDecision.Action.DEAD_LETTER);
        assertThat(gone.flagEndpoint()).isTrue();

        DeliveryDecision rejected = DeliveryDecision.after(attempt(400, DeliveryOutcome.PERMANENT_FAILURE, Optional.empty()), 1,
            Duration.ZERO, SCHEDULE);
        assertThat(rejected.action()).isEqualTo(DeliveryDecision.Action.DEAD_LETTER);
        assertThat(rejected.flagEndpoint()).isFalse();
    }

    @Test
    void historyAccumulatesAsJsonText() throws Exception {
        String history = AttemptHistory.append(Optional.empty(), 1, "orders", "msg_x",
            attempt(503, DeliveryOutcome.RETRY, Optional.of(Duration.ofSeconds(30))));
        history = AttemptHistory.append(Optional.of(history), 2, "orders", "msg_x", attempt(200, DeliveryOutcome.DELIVERED, Optional.empty()));
        JsonNode list = new ObjectMapper().readTree(history);
        assertThat(list).hasSize(2);
        assertThat(list.get(0).get("status").asInt()).isEqualTo(503);
        assertThat(list.get(0).get("error").asText()).isEqualTo("HTTP 503");
        assertThat(list.get(0).get("retryAfterS").asInt()).isEqualTo(30);
        assertThat(list.get(0).get("at").asText()).isEqualTo("2026-11-29T06:00:00Z");
        assertThat(list.get(1).get("outcome").asText()).isEqualTo("DELIVERED");
        assertThat(list.get(1).has("error")).isFalse();
        assertThat(AttemptHistory.attempts(Optional.of(history))).isEqualTo(2);
        assertThat(AttemptHistory.attempts(Optional.of("not json"))).isZero();
    }

    @Test
    void logLinesCarryTheIdsTogetherAndNoSecrets() {
        Endpoint endpoint = Endpoint.builder("orders", "https://u:p@hooks.example/in?token=abc")
            .secret(WebhookSecret.parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")).build();
        String line = AttemptHistory.logLine("mh-123", endpoint, "msg_x", 3, attempt(503, DeliveryOutcome.RETRY, Optional.empty()));
        assertThat(line).isEqualTo("webhook id=mh-123 webhook-id=msg_x endpoint=orders attempt=3 status=503 latencyMs=120"
            + " outcome=retry error=\"HTTP 503\" url=https://hooks.example/in?***");
    }

    @Test
    void webhookIdsAreStablePerMailAndEndpoint() {
        String id = WebhookIds.forDelivery("mh-123", "orders");
        assertThat(id).isEqualTo(WebhookIds.forDelivery("mh-123", "orders")).matches("msg_[A-Za-z0-9_-]{27}");
        // Pinned: changing the derivation would make receivers see old mails as new ones.
        assertThat(WebhookIds.forDelivery("mh-123", "default")).isEqualTo(PINNED_ID);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            ids.add(WebhookIds.forDelivery("mh-" + i, "orders"));
            ids.add(WebhookIds.forDelivery("mh-" + i, "archive"));
        }
        assertThat(ids).hasSize(2000);
    }
}
