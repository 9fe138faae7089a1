package org.mailhook.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.testing.RecordingReceiver;
import org.mailhook.testing.SmtpClient;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Recipients checked at RCPT TO on the assembled server: with the webhook route narrowed to one address
 * (MAILHOOK_WEBHOOK_RECIPIENTS), an unknown recipient gets 550 5.1.1 and nothing is stored, the routed
 * address and a freshly minted instant address are taken and delivered, refusals are counted by sender
 * domain; with the domain made catch-all (MAILHOOK_CATCH_ALL_DOMAINS) the same recipient is taken. The shipped
 * per-IP connection limit closes the 21st session from one address. With the recipient callback on, its
 * answers decide (250, 550 5.1.1, 451 4.7.1 when it hangs) and are cached per recipient. STARTTLS sessions
 * that never reach TLS are counted.
 */
class RecipientCheckIT {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String CALLBACK_SECRET = "whsec_lN/39HusQFPaC+Mj1Q6G8KJjtjgDwG+x";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void unknownRecipientsAreRefusedAtRcptUnlessTheDomainIsCatchAll(@TempDir Path data) throws Exception {
        try (RecordingReceiver main = new RecordingReceiver(SECRET); RecordingReceiver instant = new RecordingReceiver(SECRET)) {
            main.respondWith(n -> 204);
            instant.respondWith(n -> 204);
            Map<String, String> routedOnly = Map.of("MAILHOOK_WEBHOOK_RECIPIENTS", "orders@inbound.localhost");
            try (ServerProcess server = ServerProcess.mailhook(data, main.url(), SECRET, routedOnly).start()) {
                try (SmtpClient smtp = new SmtpClient(server.smtpPort())) {
                    smtp.command("EHLO bulk.example");
                    assertThat(smtp.command("MAIL FROM:<spammer@bulk.example>")).startsWith("250");
                    assertThat(smtp.command("RCPT TO:<nobody@inbound.localhost>")).startsWith("550 5.1.1");
                    assertThat(smtp.command("RCPT TO:<NoBody+tag@INBOUND.localhost>")).startsWith("550 5.1.1");
                    assertThat(smtp.data("Subject: never stored\r\n\r\nspam\r\n")).as("no recipient left").doesNotStartWith("250");
                }

                send(server, "orders@inbound.localhost", "routed order");
                HttpResponse<String> minted = server.webadmin("POST", "/mailhook/addresses", "{\"url\":\"" + instant.url() + "\"}");
                assertThat(minted.statusCode()).as(minted.body()).isEqualTo(201);
                String address = JSON.readTree(minted.body()).path("address").asText();
                // At once: the routing table has not been refreshed yet, the check looks the address up itself.
                send(server, address, "to the minted address");

                await().atMost(Duration.ofSeconds(60)).until(() -> main.deliveries().stream().anyMatch(d -> d.body().contains("routed order")));
                await().atMost(Duration.ofSeconds(60)).until(() -> instant.deliveries().stream()
                    .anyMatch(d -> d.body().contains("to the minted address")));
                // The pull API holds back the newest seconds (pull.settle): wait for both, then the whole list.
                await().atMost(Duration.ofSeconds(30)).until(() -> archivedSubjects(server).size() >= 2);
                assertThat(archivedSubjects(server)).containsExactlyInAnyOrder("routed order", "to the minted address");
                assertThat(main.deliveries()).noneMatch(d -> d.body().contains("never stored"));

                String metrics = server.webadmin("GET", "/metrics", null).body();
                assertThat(metrics).contains("mailhook_smtp_unknown_recipients_total 2.0");
                assertThat(metrics).contains("mailhook_smtp_refused_5xx_sender_bulk_example_total 2.0");
                assertThat(metrics).doesNotContain("mailhook_smtp_refused_5xx_sender_example_org_total");
            }

            // The second start also turns the recipient callback on (the IT's receiver is on loopback, which the
            // server's MAILHOOK_WEBHOOK_ALLOW_LOOPBACK=true lets it reach): one server start for both.
            try (RecordingReceiver callback = new RecordingReceiver(CALLBACK_SECRET)) {
                callback.replyWith(RecipientCheckIT::answerForRecipient);
                Map<String, String> catchAll = Map.of("MAILHOOK_WEBHOOK_RECIPIENTS", "orders@inbound.localhost",
                    "MAILHOOK_CATCH_ALL_DOMAINS", "inbound.localhost",
                    "MAILHOOK_RCPT_CALLBACK", "true", "MAILHOOK_RCPT_CALLBACK_URL", callback.url(),
                    "MAILHOOK_RCPT_CALLBACK_SECRET", CALLBACK_SECRET, "MAILHOOK_RCPT_CALLBACK_TIMEOUT", "1s");
                try (ServerProcess server = ServerProcess.mailhook(data, main.url(), SECRET, catchAll).start()) {
                    send(server, "nobody@inbound.localhost", "catch-all domain");
                    try (SmtpClient smtp = new SmtpClient(server.smtpPort())) {
                        smtp.command("EHLO client.example");
                        assertThat(smtp.command("MAIL FROM:<sender@example.org>")).startsWith("250");
                        assertThat(smtp.command("RCPT TO:<someone@elsewhere.example>")).as("still no relay").startsWith("550");
                    }
                    assertRecipientCallback(server, callback);
                    assertStartTlsFailuresCounted(server);
                    assertShippedPerIpLimit(server);
                }
            }
        }
    }

    /**
     * STARTTLS answered 220 and then plain text instead of a handshake, or the client gone at once: two failures;
     * a real handshake followed by EHLO over TLS: one success.
     */
    private static void assertStartTlsFailuresCounted(ServerProcess server) throws Exception {
        try (SmtpClient garbage = new SmtpClient(server.smtpPort())) {
            garbage.command("EHLO client.example");
            assertThat(garbage.command("STARTTLS")).startsWith("220");
            garbage.sendRaw("EHLO this is not a TLS record\r\n");
        }
        try (SmtpClient dropped = new SmtpClient(server.smtpPort())) {
            dropped.command("EHLO client.example");
            assertThat(dropped.command("STARTTLS")).startsWith("220");
        }
        try (SmtpClient tls = new SmtpClient(server.smtpPort())) {
            tls.command("EHLO client.example");
            assertThat(tls.startTls()).startsWith("220");
            assertThat(tls.command("EHLO client.example")).startsWith("250");
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(server.webadmin("GET", "/metrics", null).body())
            .contains("mailhook_smtp_starttls_failures_total 2.0", "mailhook_smtp_starttls_successes_total 1.0"));
    }

    /** The callback receiver's contract: refused@ is refused, hang@ never answers in time, everyone else is accepted. */
    private static RecordingReceiver.Reply answerForRecipient(RecordingReceiver.Delivery request) {
        String recipient;
        try {
            recipient = JSON.readTree(request.body()).path("recipient").asText();
        } catch (IOException e) {
            return RecordingReceiver.Reply.of(400);
        }
        if (recipient.startsWith("hang@")) {
            return new RecordingReceiver.Reply(200, Map.of(), Duration.ofSeconds(4), "{\"accept\":true}");
        }
        return RecordingReceiver.Reply.json(200, "{\"accept\":" + !recipient.startsWith("refused@") + "}");
    }

    /**
     * With the recipient callback on: an accepted recipient gets 250 (twice, the second answer from the cache), a refused one
     * 550 5.1.1, one whose answer never comes in time 451 4.7.1; each question is signed, and the answers are counted.
     */
    private static void assertRecipientCallback(ServerProcess server, RecordingReceiver callback) throws Exception {
        send(server, "allowed@inbound.localhost", "first to allowed");
        send(server, "allowed@inbound.localhost", "second to allowed");
        try (SmtpClient smtp = new SmtpClient(server.smtpPort())) {
            smtp.command("EHLO client.example");
            assertThat(smtp.command("MAIL FROM:<sender@example.org>")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<refused@inbound.localhost>")).startsWith("550 5.1.1");
            assertThat(smtp.command("RCPT TO:<hang@inbound.localhost>")).startsWith("451 4.7.1");
        }
        List<String> asked = new ArrayList<>();
        for (RecordingReceiver.Delivery request : callback.deliveries()) {
            assertThat(request.signatureValid()).as(request.verifyError()).isTrue();
            asked.add(JSON.readTree(request.body()).path("recipient").asText());
        }
        assertThat(asked).as("one question per recipient; the second mail to allowed@ was answered from the cache")
            .containsExactly("nobody@inbound.localhost", "allowed@inbound.localhost", "refused@inbound.localhost", "hang@inbound.localhost");
        assertThat(JSON.readTree(callback.deliveries().get(1).body()).path("helo").asText()).isEqualTo("client.example");
        String metrics = server.webadmin("GET", "/metrics", null).body();
        assertThat(metrics).contains("mailhook_smtp_rcpt_callback_accepted_total 3.0", "mailhook_smtp_rcpt_callback_refused_total 1.0",
            "mailhook_smtp_rcpt_callback_unavailable_total 1.0");
    }

    /** The shipped connectionLimitPerIP (20): 20 sessions from 127.0.0.1 are served, the 21st is closed, and after one ends a new one is served. */
    private static void assertShippedPerIpLimit(ServerProcess server) throws Exception {
        List<SmtpClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                SmtpClient smtp = new SmtpClient(server.smtpPort());
                assertThat(smtp.command("EHLO client" + i + ".example")).startsWith("250");
                open.add(smtp);
            }
            assertThat(servedOneCommand(server)).as("a 21st connection from the same address is closed").isFalse();
            open.remove(0).close();
            await().atMost(Duration.ofSeconds(10)).until(() -> servedOneCommand(server));
        } finally {
            for (SmtpClient smtp : open) {
                smtp.close();
            }
        }
    }

    private static boolean servedOneCommand(ServerProcess server) {
        try (SmtpClient smtp = new SmtpClient(server.smtpPort())) {
            return smtp.command("NOOP").startsWith("250");
        } catch (IOException closed) {
            return false;
        }
    }

    private static List<String> archivedSubjects(ServerProcess server) throws Exception {
        return JSON.readTree(server.webadmin("GET", "/mailhook/messages?limit=50", null).body()).path("messages").findValuesAsText("subject");
    }

    private static void send(ServerProcess server, String to, String subject) throws Exception {
        assertThat(SmtpClient.send(server.smtpPort(), "sender@example.org", to,
            "Subject: " + subject + "\r\nMessage-ID: <" + subject.replace(' ', '-') + "@example.org>\r\n\r\nbody\r\n")).startsWith("250");
    }
}
