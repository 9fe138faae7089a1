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
        assertThat(MessageSearch.parse(null, null, null, null, null, "any", name -> null).matches(aggregate)).isTrue();
        assertThat(MessageSearch.parse(null, null, null, null, null, "DMARC-aggregate", name -> null).matches(aggregate)).isTrue();
        assertThat(MessageSearch.parse(null, null, null, null, null, "tls-rpt", name -> null).matches(aggregate)).isFalse();
        assertThat(MessageSearch.parse(null, null, null, null, null, "any", name -> null).matches(noReport)).isFalse();
        assertThat(MessageSearch.parse(null, null, null, null, null, "any", name -> null).matches(MESSAGE)).isFalse();
        assertThat(MessageSearch.parse(null, null, null, null, null, "any", name -> null).matches(null)).isFalse();
        assertThat(MessageSearch.parse(null, null, null, null, null, "any", name -> null).isEverything()).isFalse();
        assertThat(MessageSearch.parse(null, null, null, null, null, " ", name -> null).isEverything()).isTrue();
        assertThatThrownBy(() -> MessageSearch.parse(null, null, null, null, null, "arf", name -> null))
            .hasMessage("report must be one of any, dmarc-aggregate, tls-rpt, dmarc-failure");
    }

    @Test
    void verdictFiltersMatchTheResultTakenAtReceiptAnyDkimSignatureAndNoneWhenNeverChecked() {
        JsonNode signed = json("""
            {"auth": {"spf": {"result": "pass", "domain": "example.net"},
                      "dkim": [{"result": "fail", "domain": "a.example"}, {"result": "pass", "domain": "example.net"}],
                      "dmarc": {"result": "pass", "policy": "reject"}}}
            """);
        java.util.Map<String, String> query = new java.util.HashMap<>();
        java.util.function.Function<String, String> params = query::get;
        query.put("spf", "PASS");
        assertThat(MessageSearch.parse(null, null, null, null, null, null, params).matches(signed)).isTrue();
        query.put("dkim", "fail");
        assertThat(MessageSearch.parse(null, null, null, null, null, null, params).matches(signed)).as("one of two signatures").isTrue();
        query.put("dmarc", "fail");
        assertThat(MessageSearch.parse(null, null, null, null, null, null, params).matches(signed)).as("every filter must hold").isFalse();
        query.clear();
        query.put("arc", "none");
        assertThat(MessageSearch.parse(null, null, null, null, null, null, params).matches(signed)).as("no ARC section: none").isTrue();
        assertThat(MessageSearch.parse(null, null, null, null, null, null, params).matches(MESSAGE)).isTrue();
        query.put("arc", "pass");
        assertThat(MessageSearch.parse(null, null, null, null, null, null, params).matches(signed)).isFalse();
        assertThat(MessageSearch.parse(null, null, null, null, null, null, params).isEverything()).isFalse();
        query.put("arc", "pass; drop");
        assertThatThrownBy(() -> MessageSearch.parse(null, null, null, null, null, null, params))
            .hasMessageStartingWith("arc must be a result");
    }
}
