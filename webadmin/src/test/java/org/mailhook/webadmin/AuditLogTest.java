package org.mailhook.webadmin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

class AuditLogTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T03:14:00Z"), ZoneOffset.UTC);

    private static String bearer(String claims) {
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        return "Bearer " + url.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
            + url.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".c2ln";
    }

    @Test
    void entriesAreAppendedAsJsonLinesAndReadNewestFirst(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("var/mailhook/audit.jsonl");
        AuditLog audit = new AuditLog(file, true, CLOCK);
        audit.record(bearer("{\"sub\":\"night-ops\",\"admin\":true}"), "127.0.0.1", "redeliver-dead", "Mail123", 1, "redelivered");
        audit.record(bearer("{\"sub\":\"day-ops\",\"admin\":true}"), "::1", "quarantine-release", "Mail456", 1, "released");

        assertThat(Files.readAllLines(file)).hasSize(2);
        JsonNode newest = audit.newest(10).get(0);
        assertThat(newest.path("who").asText()).isEqualTo("day-ops");
        assertThat(newest.path("from").asText()).isEqualTo("::1");
        assertThat(newest.path("action").asText()).isEqualTo("quarantine-release");
        assertThat(newest.path("target").asText()).isEqualTo("Mail456");
        assertThat(newest.path("mails").asInt()).isEqualTo(1);
        assertThat(newest.path("at").asText()).isEqualTo("2026-12-07T03:14:00Z");
        assertThat(audit.newest(1)).hasSize(1);
        // a second instance over the same file (a restart) reads what the first wrote
        assertThat(new AuditLog(file, true, CLOCK).newest(10).get(1).path("who").asText()).isEqualTo("night-ops");
    }

    @Test
    void withoutVerifiedTokensTheClaimedSubjectIsNeverRecorded(@TempDir Path dir) throws Exception {
        AuditLog audit = new AuditLog(dir.resolve("audit.jsonl"), false, CLOCK);
        assertThat(audit.who(bearer("{\"sub\":\"admin\"}"))).isEqualTo("unauthenticated");
        assertThat(audit.who(null)).isEqualTo("unauthenticated");
        AuditLog verified = new AuditLog(dir.resolve("audit2.jsonl"), true, CLOCK);
        assertThat(verified.who(bearer("{\"sub\":\"ops\"}"))).isEqualTo("ops");
        assertThat(verified.who("Bearer not-a-token")).isEqualTo("unknown");
        assertThat(new AuditLog(dir.resolve("none.jsonl"), true, CLOCK).newest(5)).isEmpty();
    }
}
