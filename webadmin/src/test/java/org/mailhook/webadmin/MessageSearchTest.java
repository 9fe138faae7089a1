package org.mailhook.webadmin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class MessageSearchTest {
    private static final JsonNode MESSAGE = json("""
        {"envelope": {"mailFrom": "bounce@mailer.example.net", "rcptTo": ["night@inbound.example"]},
         "subject": "Rechnung 42", "from": [{"name": "Jürgen Müller", "address": "juergen@example.net"}],
         "to": [{"name": "Support", "address": "support@example.org"}], "cc": [{"name": null, "address": "billing@example.org"}]}
        """);

    private static JsonNode json(String text) {
        try {
            return JsonResponses.JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void recipientSenderAndSubjectAreCaseInsensitiveSubstringsOfEnvelopeAndHeaders() {
        assertThat(MessageSearch.parse("NIGHT@", null, null, null, null).matches(MESSAGE)).isTrue();
        assertThat(MessageSearch.parse("billing", null, null, null, null).matches(MESSAGE)).isTrue();
        assertThat(MessageSearch.parse("support@example.org", null, null, null, null).matches(MESSAGE)).isTrue();
        assertThat(MessageSearch.parse("day@", null, null, null, null).matches(MESSAGE)).isFalse();
        assertThat(MessageSearch.parse(null, "mailer.example", null, null, null).matches(MESSAGE)).isTrue();
        assertThat(MessageSearch.parse(null, "müller", null, null, null).matches(MESSAGE)).isTrue();
        assertThat(MessageSearch.parse(null, "support", null, null, null).matches(MESSAGE)).isFalse();
        assertThat(MessageSearch.parse(null, null, "rechnung", null, null).matches(MESSAGE)).isTrue();
        assertThat(MessageSearch.parse("night", "juergen", "42", null, null).matches(MESSAGE)).isTrue();
        assertThat(MessageSearch.parse("night", "juergen", "43", null, null).matches(MESSAGE)).isFalse();
        assertThat(MessageSearch.parse(" ", "", null, null, null).isEverything()).isTrue();
    }

    @Test
    void theTimeRangeIsOnTheArchiveTimeWithUntilExclusive() {
        MessageSearch range = MessageSearch.parse(null, null, null, "2026-12-07T00:00:00Z", "2026-12-08T00:00:00Z");
        assertThat(range.archivedInRange(Instant.parse("2026-12-07T00:00:00Z").toEpochMilli())).isTrue();
        assertThat(range.archivedInRange(Instant.parse("2026-12-07T23:59:59Z").toEpochMilli())).isTrue();
        assertThat(range.archivedInRange(Instant.parse("2026-12-08T00:00:00Z").toEpochMilli())).isFalse();
        assertThat(range.archivedInRange(Instant.parse("2026-12-06T23:59:59Z").toEpochMilli())).isFalse();
        assertThat(range.matches(MESSAGE)).isTrue();
        assertThatThrownBy(() -> MessageSearch.parse(null, null, null, "yesterday", null))
            .hasMessageContaining("since must be an ISO-8601 instant");
    }

    @Test
    void theReportFilterKeepsMailWithAReportOfThatKind() {
        JsonNode aggregate = json("{\"subject\": \"Report domain: example.com\", \"report\": {\"kind\": \"dmarc-aggregate\"}}");
        JsonNode noReport = json("{\"subject\": \"hello\", \"report\": null}");
        assertThat(MessageSearch.parse(null, null, null, null, null, "any").matches(aggregate)).isTrue();
        assertThat(MessageSearch.parse(null, null, null, null, null, "DMARC-aggregate").matches(aggregate)).isTrue();
        assertThat(MessageSearch.parse(null, null, null, null, null, "tls-rpt").matches(aggregate)).isFalse();
        assertThat(MessageSearch.parse(null, null, null, null, null, "any").matches(noReport)).isFalse();
        assertThat(MessageSearch.parse(null, null, null, null, null, "any").matches(MESSAGE)).isFalse();
        assertThat(MessageSearch.parse(null, null, null, null, null, "any").matches(null)).isFalse();
        assertThat(MessageSearch.parse(null, null, null, null, null, "any").isEverything()).isFalse();
        assertThat(MessageSearch.parse(null, null, null, null, null, " ").isEverything()).isTrue();
        assertThatThrownBy(() -> MessageSearch.parse(null, null, null, null, null, "arf"))
            .hasMessage("report must be one of any, dmarc-aggregate, tls-rpt, dmarc-failure");
    }
}
