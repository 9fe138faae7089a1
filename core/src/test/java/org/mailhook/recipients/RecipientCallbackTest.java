package org.mailhook.recipients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.mailhook.recipients.RecipientCallback.Answer;
import org.mailhook.recipients.RecipientCallback.Decision;
import org.mailhook.recipients.RecipientCallback.Outcome;
import org.mailhook.recipients.RecipientCallback.Query;
import org.mailhook.recipients.RecipientCallback.Settings;
import org.mailhook.testing.MutableClock;
import org.mailhook.testing.RecordingReceiver;
import org.mailhook.webhook.WebhookSender;

import com.fasterxml.jackson.databind.ObjectMapper;

class RecipientCallbackTest {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T10:00:00Z"));
    private final List<String> asked = new ArrayList<>();

    @Test
    void anAcceptedRecipientIsAskedOnceWithinTheTtl() throws Exception {
        RecipientCallback callback = callback(Map.of(), reply(200, "{\"accept\":true}"));

        Decision first = callback.ask(new Query("Orders@inbound.example", "alice@example.org", "192.0.2.7", "mx.example.org"));
        Decision second = callback.ask(new Query("orders@INBOUND.example", "bob@example.org", "192.0.2.8", "other.example"));

        assertThat(first).isEqualTo(new Decision(Outcome.ACCEPTED, Answer.ACCEPT, false, Optional.empty()));
        assertThat(second).isEqualTo(new Decision(Outcome.ACCEPTED, Answer.ACCEPT, true, Optional.empty()));
        assertThat(asked).hasSize(1);
        assertThat(JSON.readTree(asked.get(0))).isEqualTo(JSON.readTree(
            "{\"recipient\":\"Orders@inbound.example\",\"sender\":\"alice@example.org\",\"clientIp\":\"192.0.2.7\",\"helo\":\"mx.example.org\"}"));

        clock.advance(Duration.ofMinutes(5));
        assertThat(callback.ask(new Query("orders@inbound.example", null, null, null)).cached()).as("kept for cacheTtl, 5 min").isFalse();
        assertThat(JSON.readTree(asked.get(1)).get("sender").isNull()).as("the null sender").isTrue();
    }

    @Test
    void aRefusedRecipientIsRefusedAndKept() {
        RecipientCallback callback = callback(Map.of("cacheTtl", "1m"), reply(200, "{\"accept\": false, \"note\": \"gone\"}"));

        assertThat(callback.ask(query("left@inbound.example")).answer()).isEqualTo(Answer.REFUSE);
        assertThat(callback.ask(query("left@inbound.example"))).isEqualTo(new Decision(Outcome.REFUSED, Answer.REFUSE, true, Optional.empty()));
        clock.advance(Duration.ofMinutes(1));
        assertThat(callback.ask(query("left@inbound.example")).cached()).isFalse();
        assertThat(asked).hasSize(2);
    }

    @Test
    void noAnswerIsTempfailOrAcceptAsConfiguredAndNeverKept() {
        RecipientCallback.Transport timesOut = (endpoint, id, ts, payload, max) -> {
            asked.add(new String(payload, StandardCharsets.UTF_8));
            throw new SocketTimeoutException("timeout");
        };
        RecipientCallback tempfail = callback(Map.of(), timesOut);
        Decision decision = tempfail.ask(query("a@inbound.example"));
        assertThat(decision.outcome()).isEqualTo(Outcome.UNAVAILABLE);
        assertThat(decision.answer()).isEqualTo(Answer.TEMPFAIL);
        assertThat(decision.reason()).contains("SocketTimeoutException: timeout");
        assertThat(tempfail.ask(query("a@inbound.example")).cached()).isFalse();
        assertThat(asked).hasSize(2);

        assertThat(callback(Map.of("whenUnavailable", "accept"), timesOut).ask(query("a@inbound.example")))
            .isEqualTo(new Decision(Outcome.UNAVAILABLE, Answer.ACCEPT, false, Optional.of("SocketTimeoutException: timeout")));
    }

    @Test
    void onlyA2xxWithABooleanAcceptIsAnAnswer() {
        for (WebhookSender.Reply reply : List.of(new WebhookSender.Reply(500, "{\"accept\":true}".getBytes(StandardCharsets.UTF_8)),
            new WebhookSender.Reply(302, new byte[0]), new WebhookSender.Reply(204, new byte[0]),
            new WebhookSender.Reply(200, "{\"accept\":\"true\"}".getBytes(StandardCharsets.UTF_8)),
            new WebhookSender.Reply(200, "[true]".getBytes(StandardCharsets.UTF_8)),
            new WebhookSender.Reply(200, "{\"accept\":tru".getBytes(StandardCharsets.UTF_8)))) {
            Decision decision = callback(Map.of(), (endpoint, id, ts, payload, max) -> reply).ask(query("a@inbound.example"));
            assertThat(decision.outcome()).as("status %d %s", reply.status(), new String(reply.body(), StandardCharsets.UTF_8))
                .isEqualTo(Outcome.UNAVAILABLE);
            assertThat(decision.reason()).hasValueSatisfying(r -> assertThat(r).startsWith("HTTP " + reply.status()));
        }
    }

    @Test
    void theCacheKeepsAtMostCacheSizeRecipients() {
        RecipientCallback callback = callback(Map.of("cacheSize", "1"), reply(200, "{\"accept\":true}"));
        callback.ask(query("a@inbound.example"));
        callback.ask(query("b@inbound.example"));
        assertThat(callback.ask(query("a@inbound.example")).cached()).as("a was dropped for b").isFalse();
        assertThat(callback.ask(query("a@inbound.example")).cached()).isTrue();
        assertThat(asked).hasSize(3);
    }

    @Test
    void overHttpTheQuestionIsSignedAndAHangingEndpointTimesOut() throws Exception {
        try (RecordingReceiver receiver = new RecordingReceiver(SECRET)) {
            Map<String, String> parameters = new HashMap<>(Map.of("enabled", "true", "url", receiver.url(), "secret", SECRET,
                "allowLoopback", "true", "timeout", "300ms"));
            receiver.replyWith(delivery -> RecordingReceiver.Reply.json(200, "{\"accept\":true}"));
            RecipientCallback callback = RecipientCallback.overHttp(Settings.fromParameters(parameters::get), "test", Clock.systemUTC());

            assertThat(callback.ask(query("orders@inbound.example")).outcome()).isEqualTo(Outcome.ACCEPTED);
            RecordingReceiver.Delivery request = receiver.deliveries().get(0);
            assertThat(request.signatureValid()).as(request.verifyError()).isTrue();
            assertThat(request.webhookId()).startsWith("rcpt_");
            assertThat(JSON.readTree(request.body()).get("recipient").asText()).isEqualTo("orders@inbound.example");

            receiver.replyWith(delivery -> new RecordingReceiver.Reply(200, Map.of(), Duration.ofSeconds(3), "{\"accept\":true}"));
            long start = System.nanoTime();
            Decision hanging = callback.ask(query("other@inbound.example"));
            assertThat(hanging.answer()).isEqualTo(Answer.TEMPFAIL);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void settingsAreCheckedAndNameTheParameter() {
        assertThat(Settings.fromParameters(name -> null).enabled()).isFalse();
        assertThatThrownBy(() -> settings(Map.of("enabled", "true")))
            .hasMessage("url: required when enabled is true");
        assertThatThrownBy(() -> settings(Map.of("enabled", "true", "url", "https://hooks.example/rcpt")))
            .hasMessage("secret: required with url (whsec_…)");
        assertThatThrownBy(() -> settings(Map.of("enabled", "true", "url", "http://hooks.example/rcpt", "secret", SECRET)))
            .hasMessageStartingWith("url: must be https");
        assertThatThrownBy(() -> settings(Map.of("enabled", "true", "url", "http://127.0.0.1:9/rcpt", "secret", SECRET)))
            .hasMessageStartingWith("url: host '127.0.0.1': ").hasMessageContaining("loopback");
        assertThatThrownBy(() -> settings(Map.of("enabled", "true", "url", "https://10.1.2.3/rcpt", "secret", SECRET)))
            .hasMessageContaining("private");
        assertThatThrownBy(() -> settings(Map.of("whenUnavailable", "deliver")))
            .hasMessage("whenUnavailable: 'deliver' is not tempfail or accept");
        assertThatThrownBy(() -> settings(Map.of("cacheSize", "-1"))).hasMessageStartingWith("cacheSize: '-1' is not a whole number");
        Settings loopback = settings(Map.of("enabled", "true", "url", "http://127.0.0.1:9/rcpt", "secret", SECRET, "allowLoopback", "true",
            "timeout", "1s"));
        assertThat(loopback.endpoint().orElseThrow().callTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(loopback.tempfailWhenUnavailable()).isTrue();
        assertThat(loopback.toString()).doesNotContain("whsec_Mf");
    }

    private static Settings settings(Map<String, String> parameters) {
        return Settings.fromParameters(parameters::get);
    }

    private RecipientCallback callback(Map<String, String> extra, RecipientCallback.Transport transport) {
        Map<String, String> parameters = new HashMap<>(Map.of("enabled", "true", "url", "https://hooks.example/rcpt", "secret", SECRET));
        parameters.putAll(extra);
        Function<String, String> given = parameters::get;
        return new RecipientCallback(Settings.fromParameters(given), transport, clock);
    }

    private RecipientCallback.Transport reply(int status, String body) {
        return (endpoint, id, ts, payload, max) -> {
            assertThat(max).isEqualTo(RecipientCallback.MAX_ANSWER_BYTES);
            asked.add(new String(payload, StandardCharsets.UTF_8));
            return new WebhookSender.Reply(status, body.getBytes(StandardCharsets.UTF_8));
        };
    }

    private static Query query(String recipient) {
        return new Query(recipient, "sender@example.org", "192.0.2.1", "client.example");
    }
}
