package org.mailhook.auth.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.mailhook.auth.AuthResult;
import org.mailhook.auth.RawMessage;
import org.mailhook.testing.Corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Every DKIM vector listed in EXPECTED-crosscheck.json, verified at its listed time. Upstream intent:
 * every signature passes, except the rsa-sha1 one (RFC 8301) and the third signature of stalwart
 * arc/001 (added by a list that changed the body afterwards).
 */
class DkimVectorsTest {
    /** Vectors without a listed time have no x=; any fixed instant does. */
    private static final long DEFAULT_TIME = 1_767_225_600L;

    @Test
    void everyVectorHasTheUpstreamOutcome() throws Exception {
        JsonNode crosscheck = new ObjectMapper().readTree(
            Files.readAllBytes(Corpus.path("auth/dkim/EXPECTED-crosscheck.json")));
        int signatures = 0;
        int agreeing = 0;
        List<String> disagreements = new ArrayList<>();
        for (JsonNode vector : crosscheck.get("vectors")) {
            String file = vector.get("file").asText();
            long now = vector.path("curTime").isNumber() ? vector.get("curTime").asLong() : DEFAULT_TIME;
            DkimVectors.Vector loaded = DkimVectors.load(file);
            List<DkimResult> results = new DkimVerifier(loaded.dns(), Clock.fixed(Instant.ofEpochSecond(now),
                ZoneOffset.UTC)).verify(RawMessage.parse(loaded.message()));
            JsonNode reference = vector.get("mailauth_7.1.0");
            assertThat(results).as(file).hasSize(reference.size());
            for (int i = 0; i < results.size(); i++) {
                DkimResult result = results.get(i);
                assertThat(result.selector()).as(file).isEqualTo(reference.get(i).get("s").asText());
                signatures++;
                boolean mustNotPass = result.algorithm().equals("rsa-sha1")
                    || (file.equals("arc/stalwart/001.txt") && i == 2);
                boolean ok = mustNotPass ? result.result() != AuthResult.PASS : result.result() == AuthResult.PASS;
                if (ok) {
                    agreeing++;
                } else {
                    disagreements.add(file + " #" + i + " " + result);
                }
            }
        }
        System.out.printf(Locale.ROOT, "DKIM vectors: %d/%d signatures with the upstream-intended outcome%n",
            agreeing, signatures);
        assertThat(disagreements).isEmpty();
    }
}
