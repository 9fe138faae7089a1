package org.mailhook.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mailhook.testing.RecordingReceiver;
import org.mailhook.testing.SmtpClient;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The assembled server as a separate process: real SMTP in, a real HTTP receiver out, signatures
 * checked with the official Standard Webhooks library.
 */
class VerticalSliceIT {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path data;
    static RecordingReceiver receiver;
    static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        receiver = new RecordingReceiver(SECRET);
        server = ServerProcess.mailhook(data, receiver.url(), SECRET, Map.of("MAILHOOK_MAX_MESSAGE_KB", "64")).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        receiver.close();
    }

    @Test
    void mailToAnyLocalPartIsDeliveredAsSignedJson() throws Exception {
        String localPart = "anything-" + UUID.randomUUID();
        String reply = SmtpClient.send(server.smtpPort(), "alice@example.org", localPart + "@inbound.localhost", """
            From: Alice Example <alice@example.org>
            To: <%s@inbound.localhost>
            Subject: =?UTF-8?Q?Caf=C3=A9_order?=
            Message-ID: <%s@example.org>
            Date: Sun, 29 Nov 2026 08:00:00 +0000

            Hello from the vertical slice.
            """.formatted(localPart, localPart));
        assertThat(reply).startsWith("250");

        RecordingReceiver.Delivery delivery = await().atMost(Duration.ofSeconds(30))
            .until(() -> receiver.deliveries().stream().filter(d -> d.body().contains(localPart)).findFirst(),
                java.util.Optional::isPresent).get();
        assertThat(delivery.signatureValid()).as(delivery.verifyError()).isTrue();
        assertThat(delivery.webhookId()).startsWith("msg_");
        assertThat(delivery.headers()).containsKeys("webhook-timestamp", "webhook-signature");
        assertThat(delivery.headers().get("content-type")).startsWith("application/json");

        JsonNode json = JSON.readTree(delivery.body());
        assertThat(json.path("schema").asText()).isEqualTo("mailhook.message.v1");
        assertThat(json.path("id").asText()).isNotEmpty();
        assertThat(json.path("subject").asText()).isEqualTo("Café order");
        assertThat(json.path("from").get(0).path("address").asText()).isEqualTo("alice@example.org");
        assertThat(json.path("from").get(0).path("name").asText()).isEqualTo("Alice Example");
        assertThat(json.path("envelope").path("mailFrom").asText()).isEqualTo("alice@example.org");
        assertThat(json.path("envelope").path("rcptTo").get(0).asText()).isEqualTo(localPart + "@inbound.localhost");
        assertThat(json.path("text").toString()).contains("Hello from the vertical slice.");
    }

    @Test
    void malformedMailIsStillDeliveredWithItsParseProblems() throws Exception {
        String marker = "broken-" + UUID.randomUUID();
        String reply = SmtpClient.send(server.smtpPort(), "alice@example.org", "broken@inbound.localhost", """
            From: alice@example.org
            Subject: %s
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="never-closed"

            --never-closed
            Content-Type: text/plain; charset=x-no-such-charset
            Content-Transfer-Encoding: base64

            this is not base64 !!!
            --never-closed
            Content-Type: application/octet-stream; name="cut.bin"
            Content-Transfer-Encoding: base64

            AAECAwQF
            """.formatted(marker));
        assertThat(reply).startsWith("250");
        RecordingReceiver.Delivery delivery = await().atMost(Duration.ofSeconds(30))
            .until(() -> receiver.deliveries().stream().filter(d -> d.body().contains(marker)).findFirst(),
                java.util.Optional::isPresent).get();
        JsonNode parse = JSON.readTree(delivery.body()).path("parse");
        assertThat(parse.path("errors").size() + parse.path("warnings").size()).isPositive();
        assertThat(JSON.readTree(delivery.body()).path("raw").path("sha256").asText()).hasSize(64);
    }

    @Test
    void smtpOffersStartTlsAndTheHandshakeWorks() throws Exception {
        try (SmtpClient smtp = new SmtpClient(server.smtpPort())) {
            assertThat(smtp.command("EHLO client.example")).contains("STARTTLS");
            assertThat(smtp.startTls()).startsWith("220").contains("TLSv1.");
            assertThat(smtp.command("EHLO client.example")).startsWith("250");
            assertThat(smtp.command("MAIL FROM:<bob@example.org>")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<tls@inbound.localhost>")).startsWith("250");
            assertThat(smtp.data("Subject: over TLS\r\n\r\nsecret\r\n")).startsWith("250");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.deliveries().stream().anyMatch(d -> d.body().contains("over TLS")));
    }

    @Test
    void noOpenRelayEvenFromLoopback() throws Exception {
        String reply = SmtpClient.send(server.smtpPort(), "alice@example.org", "victim@example.com", "Subject: relay?\r\n\r\nno\r\n");
        assertThat(reply).startsWith("550").containsIgnoringCase("relay");
    }

    @Test
    void oversizeMailIsRefusedWith552() throws Exception {
        String big = "Subject: big\r\n\r\n" + "x".repeat(100).concat("\r\n").repeat(1000);
        String reply = SmtpClient.send(server.smtpPort(), "alice@example.org", "big@inbound.localhost", big);
        assertThat(reply).startsWith("552");
    }

    @Test
    void dataLivesUnderTheDataDirectory() {
        assertThat(data.resolve("conf/mailetcontainer.xml")).exists();
        assertThat(data.resolve("conf/keystore")).exists();
        assertThat(data.resolve("var/store/activemq")).exists();
        assertThat(Files.isDirectory(data.resolve("extensions-jars"))).isTrue();
    }
}
