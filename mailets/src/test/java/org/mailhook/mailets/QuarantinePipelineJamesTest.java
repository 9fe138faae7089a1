package org.mailhook.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Base64;
import java.util.UUID;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mailhook.testing.JamesTestServer;
import org.mailhook.testing.RecordingReceiver;
import org.mailhook.testing.SmtpClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * QuarantineAttachments → ToJson → WebhookDelivery in a real James: a dangerous attachment is
 * stripped from what the webhook gets, the JSON says why, and the intact original is in the
 * quarantine repository; a clean mail passes untouched.
 */
class QuarantinePipelineJamesTest {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final MailRepositoryUrl QUARANTINE = MailRepositoryUrl.from("memory://var/mail/quarantine-test/");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RecordingReceiver RECEIVER = RecordingReceiver.startUnchecked(SECRET);
    private static final JamesTestServer JAMES = JamesTestServer.withMailhookProcessor("""
        <mailet match="All" class="org.mailhook.mailets.QuarantineAttachments">
          <repositoryPath>%s</repositoryPath>
        </mailet>
        <mailet match="All" class="org.mailhook.mailets.ToJson"/>
        <mailet match="All" class="org.mailhook.mailets.WebhookDelivery">
          <url>%s</url>
          <secret>%s</secret>
          <allowLoopback>true</allowLoopback>
          <queue>quarantine-test</queue>
        </mailet>""".formatted(QUARANTINE.asString(), RECEIVER.url(), SECRET));

    @RegisterExtension
    static JamesServerExtension jamesServer = JAMES.extension();


    @AfterAll
    static void close() {
        RECEIVER.close();
    }

    private static String mailWithAttachment(String subject, String filename, byte[] content) {
        return """
            From: sender@example.org
            To: to@inbound.localhost
            Subject: %s
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="b1"

            --b1
            Content-Type: text/plain; charset=utf-8

            Please see the attachment.
            --b1
            Content-Type: application/octet-stream; name="%s"
            Content-Disposition: attachment; filename="%s"
            Content-Transfer-Encoding: base64

            %s
            --b1--
            """.formatted(subject, filename, filename, Base64.getMimeEncoder().encodeToString(content));
    }


    private static JsonNode deliveredJson(String subject) throws Exception {
        RecordingReceiver.Delivery delivery = await().atMost(Duration.ofSeconds(30)).until(() ->
            RECEIVER.deliveries().stream().filter(d -> d.body().contains(subject)).findFirst(), java.util.Optional::isPresent).get();
        assertThat(delivery.signatureValid()).isTrue();
        return JSON.readTree(delivery.body());
    }

    @Test
    void dangerousAttachmentIsStrippedReportedAndKept(GuiceJamesServer server) throws Exception {
        String subject = "invoice-" + UUID.randomUUID();
        String reply = SmtpClient.send(JAMES.smtpPort(), "sender@example.org", "to@inbound.localhost",
            mailWithAttachment(subject, "invoice.pdf.exe", org.mailhook.attachments.Samples.peExecutable()));
        assertThat(reply).startsWith("250");

        JsonNode json = deliveredJson(subject);
        assertThat(json.path("security").path("verdict").asText()).isEqualTo("dangerous");
        JsonNode quarantined = json.path("security").path("quarantined").get(0);
        assertThat(quarantined.path("filename").asText()).isEqualTo("invoice.pdf.exe");
        assertThat(quarantined.path("reasons").toString()).isNotEqualTo("[]");
        assertThat(json.path("attachments").findValuesAsText("filename")).doesNotContain("invoice.pdf.exe");

        Mail original = await().atMost(Duration.ofSeconds(10))
            .until(() -> JamesTestServer.findBySubject(server, QUARANTINE, subject), java.util.Objects::nonNull);
        assertThat(new String(original.getMessage().getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1))
            .contains("invoice.pdf.exe");
    }

    @Test
    void cleanMailPassesUntouched(GuiceJamesServer server) throws Exception {
        String subject = "report-" + UUID.randomUUID();
        assertThat(SmtpClient.send(JAMES.smtpPort(), "sender@example.org", "to@inbound.localhost",
            mailWithAttachment(subject, "report.txt", "quarterly numbers\n".getBytes()))).startsWith("250");
        JsonNode json = deliveredJson(subject);
        assertThat(json.path("security").path("verdict").asText()).isEqualTo("clean");
        assertThat(json.path("attachments").findValuesAsText("filename")).contains("report.txt");
        assertThat(JamesTestServer.findBySubject(server, QUARANTINE, subject)).isNull();
    }
}
