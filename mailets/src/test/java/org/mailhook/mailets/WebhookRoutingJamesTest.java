package org.mailhook.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import org.mailhook.mailets.delivery.DeliveryAttributes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Routes file in a real James: sub-address tags, one delivery per endpoint, unrouted mail kept. */
class WebhookRoutingJamesTest {
    private static final String ORDERS_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String AUDIT_SECRET = "whsec_c2VjcmV0LWZvci10aGUtYXVkaXQtZW5kcG9pbnQ=";
    private static final MailRepositoryUrl DEAD_LETTERS = MailRepositoryUrl.from("memory://var/mail/routing-dead/");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RecordingReceiver ORDERS = RecordingReceiver.startUnchecked(ORDERS_SECRET);
    private static final RecordingReceiver AUDIT = RecordingReceiver.startUnchecked(AUDIT_SECRET);
    private static final Path ROUTES = routesFile();
    private static final JamesTestServer JAMES = JamesTestServer.withMailhookProcessor("""
        <mailet match="All" class="org.mailhook.mailets.FakeJsonMailet"/>
        <mailet match="All" class="org.mailhook.mailets.WebhookDelivery">
          <routesFile>%s</routesFile>
          <allowLoopback>true</allowLoopback>
          <queue>routing-test</queue>
          <delays>1s</delays>
          <deadLetterRepository>%s</deadLetterRepository>
        </mailet>""".formatted(ROUTES, DEAD_LETTERS.asString()));

    @RegisterExtension
    static JamesServerExtension jamesServer = JAMES.extension();


    private static Path routesFile() {
        try {
            Path file = Files.createTempFile("mailhook-routes", ".json");
            Files.writeString(file, """
                {"endpoints": {
                   "orders": {"url": "%s", "secrets": ["%s"]},
                   "audit": {"url": "%s", "secrets": ["%s"]}},
                 "routes": [
                   {"recipient": "orders+{tag}@inbound.localhost", "endpoints": ["orders", "audit"]},
                   {"recipient": "billing@inbound.localhost", "endpoints": ["audit"]}]}
                """.formatted(ORDERS.url(), ORDERS_SECRET, AUDIT.url(), AUDIT_SECRET));
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void close() {
        ORDERS.close();
        AUDIT.close();
    }

    private static void send(String subject, String... recipients) throws Exception {
        try (SmtpClient smtp = new SmtpClient(JAMES.smtpPort())) {
            smtp.command("EHLO test");
            assertThat(smtp.command("MAIL FROM:<shop@example.org>")).startsWith("250");
            for (String recipient : recipients) {
                assertThat(smtp.command("RCPT TO:<" + recipient + ">")).startsWith("250");
            }
            assertThat(smtp.data("Subject: " + subject + "\r\nMessage-ID: <" + subject + "@example.org>\r\n\r\nbody\r\n")).startsWith("250");
        }
    }

    @Test
    void subAddressTagReachesThePayloadAndEachEndpointGetsOneDelivery() throws Exception {
        String subject = "order-" + UUID.randomUUID();
        send(subject, "orders+4711@inbound.localhost", "orders+4712@inbound.localhost", "billing@inbound.localhost");

        await().atMost(Duration.ofSeconds(20)).until(() ->
            ORDERS.deliveries().stream().anyMatch(d -> d.body().contains(subject))
                && AUDIT.deliveries().stream().anyMatch(d -> d.body().contains(subject)));
        Thread.sleep(1000);
        RecordingReceiver.Delivery orders = ORDERS.deliveries().stream().filter(d -> d.body().contains(subject)).toList().get(0);
        assertThat(ORDERS.deliveries().stream().filter(d -> d.body().contains(subject))).hasSize(1);
        assertThat(AUDIT.deliveries().stream().filter(d -> d.body().contains(subject))).hasSize(1);
        assertThat(orders.signatureValid()).isTrue();

        JsonNode route = JSON.readTree(orders.body()).path("route");
        assertThat(route.path("endpoint").asText()).isEqualTo("orders");
        assertThat(route.path("recipients")).hasSize(2);
        assertThat(route.path("recipients").findValuesAsText("tag")).containsExactlyInAnyOrder("4711", "4712");

        JsonNode audit = JSON.readTree(AUDIT.deliveries().stream().filter(d -> d.body().contains(subject)).toList().get(0).body()).path("route");
        assertThat(audit.path("recipients").findValuesAsText("address"))
            .containsExactlyInAnyOrder("orders+4711@inbound.localhost", "orders+4712@inbound.localhost", "billing@inbound.localhost");
        assertThat(orders.webhookId()).isNotEqualTo(AUDIT.deliveries().stream().filter(d -> d.body().contains(subject)).toList().get(0).webhookId());
    }

    @Test
    void unroutedRecipientsAreKeptInDeadLetters(GuiceJamesServer server) throws Exception {
        String subject = "stray-" + UUID.randomUUID();
        send(subject, "nobody@inbound.localhost");
        Mail kept = await().atMost(Duration.ofSeconds(20))
            .until(() -> JamesTestServer.findBySubject(server, DEAD_LETTERS, subject), java.util.Objects::nonNull);
        assertThat(MailAttributes.string(kept, DeliveryAttributes.DEAD_REASON)).contains("unrouted");
        assertThat(kept.getRecipients()).extracting(Object::toString).containsExactly("nobody@inbound.localhost");
    }
}
