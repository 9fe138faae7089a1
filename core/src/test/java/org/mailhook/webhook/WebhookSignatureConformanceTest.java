package org.mailhook.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.mailhook.testing.Corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reproduces every case of the Standard Webhooks vectors file with our signer and verifier. */
class WebhookSignatureConformanceTest {

    @Test
    void allVectorsAreReproduced() throws Exception {
        JsonNode vectors = new ObjectMapper().readTree(Corpus.path("webhooks/standard-webhooks/vectors.json").toFile());
        List<String> disagreements = new ArrayList<>();
        int cases = 0;
        for (JsonNode vector : vectors.get("cases")) {
            cases++;
            String name = vector.get("name").asText();
            WebhookSecret secret = WebhookSecret.parse(vector.get("secret").asText());
            byte[] payload = vector.get("payload").asText().getBytes(StandardCharsets.UTF_8);
            Clock clock = Clock.fixed(Instant.ofEpochSecond(vector.get("now").asLong()), ZoneOffset.UTC);
            Duration tolerance = Duration.ofSeconds(vector.get("tolerance_seconds").asLong());
            if ("sign".equals(vector.path("kind").asText())) {
                String signature = WebhookSignature.sign(List.of(secret), vector.get("msg_id").asText(),
                    vector.get("timestamp").asLong(), payload);
                if (!signature.equals(vector.get("expected_signature").asText())) {
                    disagreements.add(name + ": signed " + signature);
                }
                continue;
            }
            JsonNode headers = vector.get("headers");
            Optional<String> problem = WebhookSignature.verify(secret, text(headers, "webhook-id"),
                text(headers, "webhook-timestamp"), text(headers, "webhook-signature"), payload, clock, tolerance);
            String expect = vector.get("expect").asText();
            switch (expect) {
                case "valid" -> {
                    if (problem.isPresent()) {
                        disagreements.add(name + ": expected valid, got " + problem.get());
                    }
                }
                case "error" -> {
                    if (problem.isEmpty()) {
                        disagreements.add(name + ": expected an error, got valid");
                    }
                }
                case "valid_svix_only" -> {
                    // Like the standardwebhooks libraries we only read webhook-* headers, so this is an
                    // error; the svix-* values themselves must still carry a good signature.
                    Optional<String> svix = WebhookSignature.verify(secret, text(headers, "svix-id"),
                        text(headers, "svix-timestamp"), text(headers, "svix-signature"), payload, clock, tolerance);
                    if (problem.isEmpty() || svix.isPresent()) {
                        disagreements.add(name + ": webhook-* " + problem + ", svix-* " + svix);
                    }
                }
                default -> disagreements.add(name + ": unknown expectation " + expect);
            }
        }
        System.out.printf("Standard Webhooks vectors: %d/%d reproduced%n", cases - disagreements.size(), cases);
        assertThat(disagreements).isEmpty();
        assertThat(cases).isEqualTo(20);
    }

    private static String text(JsonNode headers, String name) {
        JsonNode value = headers.get(name);
        return value == null ? null : value.asText();
    }
}
