package org.mailhook.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.testing.RecordingReceiver;
import org.mailhook.testing.SmtpClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An instant address's own secret is kept only sealed with the server key: delivery signs with it, and
 * neither James' mail-repository routes nor the files under the data directory's {@code var/} show it.
 */
class SecretsAtRestIT {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String OWN_SECRET = "whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anInstantAddressSecretSignsDeliveriesButIsNowhereInTheRepositories(@TempDir Path data) throws Exception {
        try (RecordingReceiver instant = new RecordingReceiver(OWN_SECRET);
             ServerProcess server = ServerProcess.mailhook(data, "http://127.0.0.1:9/webhook", SECRET, Map.of()).start()) {
            instant.respondWith(n -> 204);
            await().atMost(Duration.ofSeconds(60)).until(() -> ServerProcess.listening(server.webadminPort()));
            assertThat(Files.getPosixFilePermissions(data.resolve("conf/server.key"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));

            HttpResponse<String> minted = server.webadmin("POST", "/mailhook/addresses",
                "{\"url\":\"" + instant.url() + "\",\"secret\":\"" + OWN_SECRET + "\"}");
            assertThat(minted.statusCode()).as(minted.body()).isEqualTo(201);
            assertThat(minted.body()).contains("\"hasSecret\":true").doesNotContain(OWN_SECRET);
            String address = JSON.readTree(minted.body()).path("address").asText();

            String subject = "sealed-" + UUID.randomUUID();
            assertThat(SmtpClient.send(server.smtpPort(), "sender@example.org", address,
                "Subject: " + subject + "\r\nMessage-ID: <" + subject + "@example.org>\r\n\r\nbody\r\n")).startsWith("250");
            await().atMost(Duration.ofSeconds(60)).until(() -> instant.deliveries().stream().anyMatch(d -> d.body().contains(subject)));
            RecordingReceiver.Delivery delivery = instant.deliveries().stream().filter(d -> d.body().contains(subject)).findFirst().orElseThrow();
            assertThat(delivery.signatureValid()).as("signed with the address's own secret: " + delivery.verifyError()).isTrue();

            List<String> secretForms = List.of(OWN_SECRET, OWN_SECRET.substring("whsec_".length()), "c2VjcmV0c2VjcmV0", "secretsecretsecret");
            StringBuilder everyRepository = new StringBuilder();
            int mails = 0;
            for (JsonNode repository : JSON.readTree(server.webadmin("GET", "/mailRepositories", null).body())) {
                String path = repository.path("path").asText();
                JsonNode keys = JSON.readTree(server.webadmin("GET", "/mailRepositories/" + path + "/mails", null).body());
                for (JsonNode key : keys) {
                    HttpResponse<String> mail = server.webadmin("GET", "/mailRepositories/" + path + "/mails/"
                        + URLEncoder.encode(key.asText(), StandardCharsets.UTF_8)
                        + "?additionalFields=attributes,headers,textBody,htmlBody,perRecipientsHeaders", null);
                    assertThat(mail.statusCode()).as(mail.body()).isEqualTo(200);
                    everyRepository.append(mail.body());
                    mails++;
                }
            }
            assertThat(everyRepository.toString()).as("the instant-address record is listed").contains(address).contains("sealedSecret");
            assertThat(mails).isGreaterThanOrEqualTo(2);
            for (String form : secretForms) {
                assertThat(everyRepository.toString()).as("James' mail-repository routes").doesNotContain(form);
            }

            // The other admin surfaces of this issue, wired on the assembled server: ActiveMQ.DLQ and repository retention.
            assertThat(server.webadmin("GET", "/mailhook/activemq-dlq", null).body()).isEqualTo("{\"entries\":0}");
            assertThat(server.webadmin("POST", "/mailhook/activemq-dlq/redeliver", null).body()).isEqualTo("{\"moved\":0}");
            await().atMost(Duration.ofSeconds(30)).until(() -> server.webadmin("GET", "/metrics", null).body()
                .contains("mailhook_repository_dead_letters_count"));
            assertThat(server.webadmin("GET", "/metrics", null).body()).contains("mailhook_repository_quarantine_oldest_age_seconds")
                .contains("mailhook_repository_error_expired_total").contains("mailhook_repository_unrouted_count");

            List<Path> files = new ArrayList<>();
            try (Stream<Path> walk = Files.walk(data.resolve("var"))) {
                walk.filter(Files::isRegularFile).forEach(files::add);
            }
            assertThat(files).anyMatch(file -> file.toString().contains("instant-addresses"));
            for (Path file : files) {
                String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                for (String form : secretForms) {
                    assertThat(bytes).as(file.toString()).doesNotContain(form);
                }
            }
        }
    }
}
