package org.mailhook.reparse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import org.mailhook.json.Envelope;
import org.mailhook.json.MessageParser;
import org.mailhook.json.MessageSchema;
import org.mailhook.json.ParseOptions;
import org.mailhook.json.VerdictTime;

class ReparserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant RECEIVED = Instant.parse("2026-12-01T08:00:00Z");
    private static final Instant CHECKED = Instant.parse("2026-12-01T08:00:00.050Z");
    private static final Instant NOW = Instant.parse("2026-12-07T22:00:00Z");
    private static final MessageParser PARSER = new MessageParser(ParseOptions.defaults());
    private static final byte[] MAIL = ("From: Ann <ann@example.com>\r\nTo: orders@inbound.example\r\nSubject: Order 42\r\n"
        + "Message-ID: <o42@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlease ship.\r\n").getBytes(StandardCharsets.UTF_8);
    private static final String AUTH = "{\"spf\":{\"result\":\"pass\",\"domain\":\"example.com\"},\"dmarc\":{\"result\":\"pass\"}}";

    private final List<String> calls = new ArrayList<>();

    /** The document made at receipt, as ToJson writes it. */
    private static String atReceipt() {
        Map<String, String> sections = new LinkedHashMap<>();
        sections.put("auth", VerdictTime.stamp(AUTH, CHECKED));
        sections.put("security", VerdictTime.stamp("{\"verdict\":\"clean\",\"scanned\":0,\"quarantined\":[],\"warnings\":[]}", CHECKED));
        sections.put("spam", "null");
        Envelope envelope = new Envelope("ann@example.com", List.of("orders@inbound.example"), "192.0.2.7", "mx.example.com", "mx.example.com");
        return PARSER.parse(new ByteArrayInputStream(MAIL), envelope, RECEIVED, sections).jsonText();
    }

    private Reparser reparser(Reparser.Steps steps) {
        return new Reparser(PARSER, steps, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void anUnchangedResultMakesNoRevision() {
        Reparser.Outcome outcome = reparser(Reparser.Steps.none()).reparse(MAIL, atReceipt(), 1, false);

        assertThat(outcome.changed()).isFalse();
        assertThat(outcome.revision()).isEqualTo(1);
        assertThat(outcome.json()).isNull();
        assertThat(outcome.differences()).isEmpty();
    }

    @Test
    void anOlderParsersDocumentBecomesRevisionTwoWithTheDifferenceAndTheSameKey() throws Exception {
        ObjectNode older = (ObjectNode) JSON.readTree(atReceipt());
        older.put("subject", "Order ?42");
        older.remove("parser");
        String olderJson = older.toString();

        Reparser.Outcome outcome = reparser(Reparser.Steps.none()).reparse(MAIL, olderJson, 1, false);

        assertThat(outcome.changed()).isTrue();
        assertThat(outcome.revision()).isEqualTo(2);
        assertThat(outcome.differences()).containsExactly("subject");
        JsonNode revised = JSON.readTree(outcome.json());
        assertThat(revised.get("subject").asText()).isEqualTo("Order 42");
        assertThat(revised.get("id")).isEqualTo(older.get("id"));
        assertThat(revised.get("revision").asInt()).isEqualTo(2);
        assertThat(revised.get("revisedAt").asText()).isEqualTo("2026-12-07T22:00:00Z");
        assertThat(revised.at("/parser/version").asText()).isEqualTo(MessageParser.VERSION);
        assertThat(revised.get("receivedAt").asText()).isEqualTo("2026-12-01T08:00:00Z");
        assertThat(revised.get("envelope")).isEqualTo(older.get("envelope"));
        // the verdict of receipt, with its time, untouched
        assertThat(revised.get("auth")).isEqualTo(older.get("auth"));
        assertThat(revised.at("/auth/checkedAt").asText()).isEqualTo("2026-12-01T08:00:00.050Z");
        assertThat(MessageSchema.errors(outcome.json().getBytes(StandardCharsets.UTF_8))).isEmpty();

        Reparser.Outcome again = reparser(Reparser.Steps.none()).reparse(MAIL, outcome.json(), 2, false);
        assertThat(again.changed()).as("revision 2 reparsed by the same code").isFalse();
        assertThat(again.revision()).isEqualTo(2);
    }

    @Test
    void theStoredIdempotencyKeyIsKept() throws Exception {
        ObjectNode stored = (ObjectNode) JSON.readTree(atReceipt());
        stored.put("id", "mh1_00000000000000000000000000000001");
        stored.put("subject", "old");

        JsonNode revised = JSON.readTree(reparser(Reparser.Steps.none()).reparse(MAIL, stored.toString(), 1, false).json());

        assertThat(revised.get("id").asText()).isEqualTo("mh1_00000000000000000000000000000001");
    }

    @Test
    void authIsTakenAgainOnlyWhenAskedAndKeepsTheVerdictOfReceipt() throws Exception {
        Reparser.Step verify = (raw, envelope, stored) -> {
            calls.add("verify " + envelope.mailFrom() + " " + stored.at("/spf/result").asText());
            return Optional.of("{\"spf\":{\"result\":\"temperror\",\"domain\":\"example.com\"},\"dmarc\":{\"result\":\"temperror\"}}");
        };
        Reparser reparser = reparser(new Reparser.Steps(Optional.empty(), Optional.empty(), Optional.of(verify)));

        assertThat(reparser.reparse(MAIL, atReceipt(), 1, false).changed()).isFalse();
        assertThat(calls).as("no lookup unless asked").isEmpty();

        Reparser.Outcome outcome = reparser.reparse(MAIL, atReceipt(), 1, true);

        assertThat(calls).containsExactly("verify ann@example.com pass");
        assertThat(outcome.differences()).containsExactly("auth");
        JsonNode auth = JSON.readTree(outcome.json()).get("auth");
        assertThat(auth.at("/spf/result").asText()).isEqualTo("temperror");
        assertThat(auth.get("checkedAt").asText()).isEqualTo("2026-12-07T22:00:00Z");
        assertThat(auth.at("/atReceipt/spf/result").asText()).isEqualTo("pass");
        assertThat(auth.at("/atReceipt/checkedAt").asText()).isEqualTo("2026-12-01T08:00:00.050Z");

        // a second re-verification keeps the verdict of receipt, not the first re-verification
        Reparser.Outcome third = reparser.reparse(MAIL, outcome.json(), 2, true);
        assertThat(third.changed()).as("same verdict again, only its time moved").isFalse();
    }

    @Test
    void aReverificationWithTheSameVerdictChangesNothing() {
        Reparser.Step verify = (raw, envelope, stored) -> Optional.of(AUTH);
        Reparser.Outcome outcome = reparser(new Reparser.Steps(Optional.empty(), Optional.empty(), Optional.of(verify)))
            .reparse(MAIL, atReceipt(), 1, true);

        assertThat(outcome.changed()).isFalse();
    }

    @Test
    void classificationAndSpamRunAgainWithTheirOwnTimes() throws Exception {
        Reparser.Step classify = (raw, envelope, stored) -> Optional.of("{\"verdict\":\"suspicious\",\"scanned\":0,\"quarantined\":[],\"warnings\":[]}");
        Reparser.Step score = (raw, envelope, stored) -> Optional.of("{\"status\":\"unavailable\",\"scanner\":\"rspamd\",\"version\":null,"
            + "\"score\":null,\"requiredScore\":null,\"action\":null,\"symbols\":[],\"reason\":\"down\"}");
        Reparser.Outcome outcome = reparser(new Reparser.Steps(Optional.of(classify), Optional.of(score), Optional.empty()))
            .reparse(MAIL, atReceipt(), 1, false);

        assertThat(outcome.differences()).containsExactly("security", "spam");
        JsonNode revised = JSON.readTree(outcome.json());
        assertThat(revised.at("/security/verdict").asText()).isEqualTo("suspicious");
        assertThat(revised.at("/security/checkedAt").asText()).isEqualTo("2026-12-07T22:00:00Z");
        assertThat(revised.at("/spam/checkedAt").asText()).isEqualTo("2026-12-07T22:00:00Z");
        assertThat(revised.at("/auth/checkedAt").asText()).isEqualTo("2026-12-01T08:00:00.050Z");
        assertThat(MessageSchema.errors(outcome.json().getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    @Test
    void aStrippedMailKeepsItsVerdictOfReceipt() throws Exception {
        ObjectNode stored = (ObjectNode) JSON.readTree(atReceipt());
        ((ObjectNode) stored.get("security")).put("verdict", "dangerous").putObject("quarantine").put("key", "Mail1");
        Reparser.Step classify = (raw, envelope, old) -> {
            calls.add("classify");
            return Optional.of("{\"verdict\":\"clean\"}");
        };

        Reparser.Outcome outcome = reparser(new Reparser.Steps(Optional.of(classify), Optional.empty(), Optional.empty()))
            .reparse(MAIL, stored.toString(), 1, false);

        assertThat(calls).isEmpty();
        assertThat(outcome.changed()).isFalse();
    }
}
