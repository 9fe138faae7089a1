package org.mailhook.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.testing.RecordingReceiver;
import org.mailhook.testing.SmtpClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The shipped pipeline with ScoreSpam on (MAILHOOK_SPAM=true) against a real rspamd: GTUBE is rejected, a
 * plain mail is scored and not rejected, and with rspamd stopped mail is still delivered, marked unavailable.
 */
class SpamIT {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void rspamdsVerdictReachesThePayloadAndItsAbsenceIsNeverClean(@TempDir Path dir) throws Exception {
        try (RspamdDaemon rspamd = RspamdDaemon.start(Files.createDirectories(dir.resolve("rspamd")));
             RecordingReceiver receiver = new RecordingReceiver(SECRET)) {
            Map<String, String> env = Map.of("MAILHOOK_SPAM", "true", "MAILHOOK_RSPAMD_URL", rspamd.url(),
                "MAILHOOK_RSPAMD_TIMEOUT", "20s");
            try (ServerProcess server = ServerProcess.mailhook(dir.resolve("data"), receiver.url(), SECRET, env).start()) {
                send(server, mail("gtube test", "This is the GTUBE:\r\n" + GTUBE + "\r\n"));
                JsonNode gtube = delivered(receiver, "gtube test").path("spam");
                assertThat(gtube.path("status").asText()).isEqualTo("scored");
                assertThat(gtube.path("action").asText()).isEqualTo("reject");
                assertThat(gtube.path("scanner").asText()).isEqualTo("rspamd");
                assertThat(gtube.path("version").asText()).startsWith("3.");
                assertThat(gtube.path("symbols").findValuesAsText("name")).contains("GTUBE");

                send(server, mail("plain note", "Hello, the meeting moved to Tuesday at ten.\r\n"));
                JsonNode plain = delivered(receiver, "plain note").path("spam");
                assertThat(plain.path("status").asText()).isEqualTo("scored");
                assertThat(plain.path("score").isNumber()).isTrue();
                assertThat(plain.path("requiredScore").isNumber()).isTrue();
                assertThat(plain.path("action").asText()).isNotIn("reject", "soft reject", "");
                assertThat(plain.path("symbols").findValuesAsText("name")).isNotEmpty().doesNotContain("GTUBE");

                rspamd.close();
                send(server, mail("while rspamd is down", "Nobody scans this.\r\n"));
                JsonNode down = delivered(receiver, "while rspamd is down").path("spam");
                assertThat(down.path("status").asText()).isEqualTo("unavailable");
                assertThat(down.path("score").isNull()).isTrue();
                assertThat(down.path("action").isNull()).as("never a silent clean").isTrue();
                assertThat(down.path("reason").asText()).contains(rspamd.url().substring("http://".length()));
            }
        }
    }

    private static byte[] mail(String subject, String body) {
        return ("From: alice@sender.example\r\nTo: inbox@inbound.localhost\r\nSubject: " + subject
            + "\r\nDate: Mon, 07 Dec 2026 08:00:00 +0000\r\nMessage-ID: <" + Math.abs(subject.hashCode()) + "@sender.example>\r\n\r\n"
            + body).getBytes(StandardCharsets.US_ASCII);
    }

    private static void send(ServerProcess server, byte[] message) throws Exception {
        try (SmtpClient smtp = new SmtpClient(server.smtpPort())) {
            smtp.command("EHLO client.sender.example");
            assertThat(smtp.command("MAIL FROM:<alice@sender.example>")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<inbox@inbound.localhost>")).startsWith("250");
            assertThat(smtp.data(message)).startsWith("250");
        }
    }

    private static JsonNode delivered(RecordingReceiver receiver, String subject) throws Exception {
        RecordingReceiver.Delivery delivery = await().atMost(Duration.ofSeconds(90)).until(() -> receiver.deliveries().stream()
            .filter(d -> d.body().contains("\"subject\":\"" + subject + "\"")).findFirst(), Optional::isPresent).get();
        assertThat(delivery.signatureValid()).isTrue();
        return JSON.readTree(delivery.body());
    }
}
