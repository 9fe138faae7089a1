package org.mailhook.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.testing.RecordingReceiver;
import org.mailhook.testing.SmtpClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The operations API on the assembled server: state that must survive a restart of the same data dir. */
class OperationsIT {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void mintedAddressArchiveAndDeliveredRecordsSurviveARestart(@TempDir Path data) throws Exception {
        try (RecordingReceiver main = new RecordingReceiver(SECRET); RecordingReceiver instant = new RecordingReceiver(SECRET)) {
            main.respondWith(n -> 204);
            instant.respondWith(n -> 204);
            String address;
            String before = "before-restart-" + UUID.randomUUID();
            try (ServerProcess server = ServerProcess.mailhook(data, main.url(), SECRET, Map.of()).start()) {
                awaitWebAdmin(server);
                HttpResponse<String> minted = http(server, "POST", "/mailhook/addresses", "{\"url\":\"" + instant.url() + "\"}");
                assertThat(minted.statusCode()).as(minted.body()).isEqualTo(201);
                address = JSON.readTree(minted.body()).path("address").asText();
                send(server, "someone@inbound.localhost", before);
                await().atMost(Duration.ofSeconds(30)).until(() -> main.deliveries().stream().anyMatch(d -> d.body().contains(before)));
                assertThat(health(server)).isEqualTo("healthy");
                // the server's main binds the check on ActiveMQ's own dead-letter queue next to James' checks
                assertThat(JSON.readTree(http(server, "GET", "/healthcheck/checks/mailhook-activemq-dlq", null).body())
                    .path("status").asText()).isEqualTo("healthy");
                assertThat(http(server, "GET", "/metrics", null).body()).contains("mailhook_mails_accepted_total 1.0");
            }
            Map<String, String> withCanary = Map.of("MAILHOOK_CANARY", "true", "MAILHOOK_CANARY_INTERVAL", "2s");
            try (ServerProcess restarted = ServerProcess.mailhook(data, main.url(), SECRET, withCanary).start()) {
                awaitWebAdmin(restarted);
                assertThat(http(restarted, "GET", "/mailhook/addresses", null).body()).contains(address);
                String after = "after-restart-" + UUID.randomUUID();
                send(restarted, address, after);
                await().atMost(Duration.ofSeconds(30)).until(() -> instant.deliveries().stream().anyMatch(d -> d.body().contains(after)));
                RecordingReceiver.Delivery delivery = instant.deliveries().stream().filter(d -> d.body().contains(after)).findFirst().orElseThrow();
                assertThat(delivery.signatureValid()).as(delivery.verifyError()).isTrue();
                assertThat(main.deliveries()).noneMatch(d -> d.body().contains(after));
                // The archive kept the mail from before the restart.
                JsonNode page = JSON.readTree(http(restarted, "GET", "/mailhook/messages?limit=10", null).body());
                assertThat(page.path("messages").findValuesAsText("subject")).contains(before);
                // The delivery acknowledged before the restart is listed as delivered and replays with its webhook-id.
                JsonNode delivered = JSON.readTree(http(restarted, "GET", "/mailhook/deliveries?status=delivered", null).body());
                JsonNode entry = java.util.stream.StreamSupport.stream(delivered.path("deliveries").spliterator(), false)
                    .filter(d -> d.path("subject").asText().equals(before)).findFirst().orElseThrow();
                assertThat(entry.path("status").asText()).isEqualTo("delivered");
                assertThat(entry.path("lastStatus").asInt()).isEqualTo(204);
                String webhookId = entry.path("webhookId").asText();
                HttpResponse<String> replay = http(restarted, "POST",
                    "/mailhook/deliveries/delivered/" + entry.path("key").asText() + "/redeliver", null);
                assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(30)).until(() -> main.deliveries().stream().filter(d -> d.body().contains(before)).count() == 2);
                assertThat(main.deliveries().stream().filter(d -> d.body().contains(before)))
                    .allSatisfy(d -> {
                        assertThat(d.webhookId()).isEqualTo(webhookId);
                        assertThat(d.signatureValid()).as(d.verifyError()).isTrue();
                    });
                // The canary (extensions.properties startable) probes SMTP → archive; its mail never reaches the webhook.
                await().atMost(Duration.ofSeconds(60)).until(() ->
                    http(restarted, "GET", "/metrics", null).body().lines().anyMatch(l -> l.matches("mailhook_canary_seen_total [1-9].*")));
                assertThat(main.deliveries()).noneMatch(d -> d.body().contains("mailhook canary"));
            }
        }
    }

    /** SMTP may open a moment before WebAdmin. */
    private static void awaitWebAdmin(ServerProcess server) {
        await().atMost(Duration.ofSeconds(60)).until(() -> ServerProcess.listening(server.webadminPort()));
    }

    private static void send(ServerProcess server, String to, String subject) throws Exception {
        assertThat(SmtpClient.send(server.smtpPort(), "sender@example.org", to,
            "Subject: " + subject + "\r\nMessage-ID: <" + subject + "@example.org>\r\n\r\nbody\r\n")).startsWith("250");
    }

    private static String health(ServerProcess server) throws Exception {
        return JSON.readTree(http(server, "GET", "/healthcheck/checks/mailhook-dead-letters", null).body()).path("status").asText();
    }

    private static HttpResponse<String> http(ServerProcess server, String method, String path, String body) throws Exception {
        return server.webadmin(method, path, body);
    }
}
