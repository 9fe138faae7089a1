package org.mailhook.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.testing.RecordingReceiver;
import org.mailhook.testing.SmtpClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The spam policy at the end of DATA (ScoreSpamAtData) on the assembled server against a real rspamd, policy
 * reject and whenUnavailable tempfail, ScoreSpam off: GTUBE is answered 550 5.7.1 and never stored; the same
 * from an allowlisted sender is taken and delivered with Rspamd's verdict; a plain mail is delivered scored;
 * with rspamd stopped a mail is answered 451 4.7.1 and the allowlisted sender's is delivered marked
 * unavailable; the counters by sender domain move.
 */
class SpamPolicyIT {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void rejectPolicyRefusesGtubeAtDataExceptForTheAllowlist(@TempDir Path dir) throws Exception {
        try (RspamdDaemon rspamd = RspamdDaemon.start(Files.createDirectories(dir.resolve("rspamd")));
             RecordingReceiver receiver = new RecordingReceiver(SECRET)) {
            Map<String, String> env = Map.of("MAILHOOK_SPAM_SMTP", "true", "MAILHOOK_RSPAMD_URL", rspamd.url(),
                "MAILHOOK_SPAM_SMTP_TIMEOUT", "20s", "MAILHOOK_SPAM_POLICY", "reject", "MAILHOOK_SPAM_WHEN_UNAVAILABLE", "tempfail",
                "MAILHOOK_SPAM_ALLOW_SENDERS", "alerts@bank.example");
            try (ServerProcess server = ServerProcess.mailhook(dir.resolve("data"), receiver.url(), SECRET, env).start()) {
                assertThat(send(server, "alice@sender.example", mail("gtube refused", GTUBE))).startsWith("550 5.7.1");
                assertThat(send(server, "alerts@bank.example", mail("gtube allowlisted", GTUBE))).startsWith("250");
                JsonNode allowed = delivered(receiver, "gtube allowlisted").path("spam");
                assertThat(allowed.path("status").asText()).isEqualTo("scored");
                assertThat(allowed.path("action").asText()).isEqualTo("reject");
                assertThat(allowed.path("symbols").findValuesAsText("name")).contains("GTUBE");

                assertThat(send(server, "alice@sender.example", mail("plain note", "The meeting moved to Tuesday at ten."))).startsWith("250");
                JsonNode plain = delivered(receiver, "plain note").path("spam");
                assertThat(plain.path("status").asText()).as("scored at SMTP time, ScoreSpam is off").isEqualTo("scored");
                assertThat(plain.path("action").asText()).isNotIn("reject", "soft reject", "");

                rspamd.close();
                assertThat(send(server, "alice@sender.example", mail("while rspamd is down", "Nobody scans this."))).startsWith("451 4.7.1");
                assertThat(send(server, "alerts@bank.example", mail("allowlisted while down", "Nobody scans this either.")))
                    .startsWith("250");
                JsonNode down = delivered(receiver, "allowlisted while down").path("spam");
                assertThat(down.path("status").asText()).isEqualTo("unavailable");
                assertThat(down.path("action").isNull()).as("never a silent clean").isTrue();

                assertThat(receiver.deliveries()).noneMatch(d -> d.body().contains("gtube refused") || d.body().contains("while rspamd is down\""));
                // The pull API holds back the newest seconds (pull.settle): wait for the last mail, then the whole list.
                await().atMost(Duration.ofSeconds(30)).until(() -> archivedSubjects(server).size() >= 3);
                assertThat(archivedSubjects(server)).containsExactlyInAnyOrder("gtube allowlisted", "plain note", "allowlisted while down");

                String metrics = server.webadmin("GET", "/metrics", null).body();
                assertThat(metrics).contains("mailhook_spam_action_reject_sender_sender_example_total 1.0");
                assertThat(metrics).contains("mailhook_spam_action_reject_sender_bank_example_total 1.0");
                assertThat(metrics).contains("mailhook_spam_action_unavailable_sender_sender_example_total 1.0");
                assertThat(metrics).contains("mailhook_smtp_refused_5xx_sender_sender_example_total 1.0");
                assertThat(metrics).contains("mailhook_smtp_refused_4xx_sender_sender_example_total 1.0");
                assertThat(metrics).doesNotContain("mailhook_smtp_refused_5xx_sender_bank_example");
            }
        }
    }

    private static List<String> archivedSubjects(ServerProcess server) throws Exception {
        return JSON.readTree(server.webadmin("GET", "/mailhook/messages?limit=50", null).body()).path("messages").findValuesAsText("subject");
    }

    private static String mail(String subject, String body) {
        return "From: sender@sender.example\r\nTo: inbox@inbound.localhost\r\nSubject: " + subject
            + "\r\nDate: Mon, 07 Dec 2026 08:00:00 +0000\r\nMessage-ID: <" + Math.abs(subject.hashCode()) + "@sender.example>\r\n\r\n"
            + body + "\r\n";
    }

    private static String send(ServerProcess server, String from, String message) throws Exception {
        return SmtpClient.send(server.smtpPort(), from, "inbox@inbound.localhost", message);
    }

    private static JsonNode delivered(RecordingReceiver receiver, String subject) throws Exception {
        RecordingReceiver.Delivery delivery = await().atMost(Duration.ofSeconds(90)).until(() -> receiver.deliveries().stream()
            .filter(d -> d.body().contains("\"subject\":\"" + subject + "\"")).findFirst(), Optional::isPresent).get();
        assertThat(delivery.signatureValid()).isTrue();
        return JSON.readTree(delivery.body());
    }
}
