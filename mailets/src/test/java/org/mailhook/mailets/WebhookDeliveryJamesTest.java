package org.mailhook.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mailhook.testing.JamesTestServer;
import org.mailhook.testing.RecordingReceiver;
import org.mailhook.testing.SmtpClient;
import org.mailhook.mailets.delivery.DeliveryAttributes;

/** WebhookDelivery inside a real James: SMTP in, durable-queue consumer, real HTTP receiver. */
class WebhookDeliveryJamesTest {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final MailRepositoryUrl DEAD_LETTERS = MailRepositoryUrl.from("memory://var/mail/webhook-dead/");
    private static final RecordingReceiver RECEIVER = RecordingReceiver.startUnchecked(SECRET);
    private static final JamesTestServer JAMES = JamesTestServer.withMailhookProcessor("""
        <mailet match="All" class="org.mailhook.mailets.FakeJsonMailet"/>
        <mailet match="All" class="org.mailhook.mailets.WebhookDelivery">
          <url>%s</url>
          <secret>%s</secret>
          <allowLoopback>true</allowLoopback>
          <delays>2*1s</delays>
          <!-- These tests pin the schedule of one mail at a time; failures of one test must not open the
               breaker for the next (EndpointBreakerJamesTest tests the breaker). -->
          <breakerFailures>0</breakerFailures>
          <readTimeout>2s</readTimeout>
          <callTimeout>3s</callTimeout>
          <deadLetterRepository>%s</deadLetterRepository>
        </mailet>""".formatted(RECEIVER.url(), SECRET, DEAD_LETTERS.asString()));

    @RegisterExtension
    static JamesServerExtension jamesServer = JAMES.extension();


    @AfterAll
    static void closeReceiver() {
        RECEIVER.close();
    }

    @BeforeEach
    void answerOk() {
        RECEIVER.respondWith(n -> 204);
    }

    private static String send(String subject) throws Exception {
        String reply = SmtpClient.send(JAMES.smtpPort(), "sender@example.org", "to@inbound.localhost",
            "Subject: " + subject + "\r\nMessage-ID: <" + subject + "@example.org>\r\n\r\nbody\r\n");
        assertThat(reply).startsWith("250");
        return subject;
    }

    private static List<RecordingReceiver.Delivery> deliveriesOf(String subject) {
        return RECEIVER.deliveries().stream().filter(d -> d.body().contains(subject)).toList();
    }

    @Test
    void deliversSignedPayload() throws Exception {
        String subject = send("ok-" + UUID.randomUUID());
        await().atMost(Duration.ofSeconds(20)).until(() -> deliveriesOf(subject).size() == 1);
        RecordingReceiver.Delivery delivery = deliveriesOf(subject).get(0);
        assertThat(delivery.signatureValid()).as(delivery.verifyError()).isTrue();
        assertThat(delivery.webhookId()).isEqualTo(org.mailhook.webhook.WebhookIds.forDelivery("<" + subject + "@example.org>", "default"));
    }

    @Test
    void retriesWithTheSameWebhookIdUntilTheEndpointRecovers() throws Exception {
        String subject = "flaky-" + UUID.randomUUID();
        RECEIVER.respondWith(n -> RECEIVER.deliveries().stream().filter(d -> d.body().contains(subject)).count() < 3 ? 503 : 204);
        send(subject);
        await().atMost(Duration.ofSeconds(30)).until(() -> deliveriesOf(subject).size() == 3);
        assertThat(deliveriesOf(subject)).extracting(RecordingReceiver.Delivery::webhookId).containsOnly(deliveriesOf(subject).get(0).webhookId());
        assertThat(deliveriesOf(subject)).allMatch(RecordingReceiver.Delivery::signatureValid);
    }

    @Test
    void permanentFailureGoesToDeadLettersWithItsHistory(GuiceJamesServer server) throws Exception {
        String subject = "rejected-" + UUID.randomUUID();
        RECEIVER.respondWith(n -> 400);
        send(subject);
        Mail dead = await().atMost(Duration.ofSeconds(20)).until(() -> findDead(server, subject), java.util.Objects::nonNull);
        Thread.sleep(2500); // longer than the retry delay: a 400 must not be retried
        assertThat(deliveriesOf(subject)).hasSize(1);
        assertThat(MailAttributes.string(dead, DeliveryAttributes.DEAD_REASON))
            .hasValueSatisfying(r -> assertThat(r).contains("permanent failure").contains("400"));
        assertThat(MailAttributes.string(dead, DeliveryAttributes.HISTORY).orElseThrow()).contains("\"status\":400");
        assertThat(MailAttributes.number(dead, DeliveryAttributes.ATTEMPTS)).contains(1L);
    }

    @Test
    void exhaustedRetriesGoToDeadLetters(GuiceJamesServer server) throws Exception {
        String subject = "down-" + UUID.randomUUID();
        RECEIVER.respondWith(n -> 500);
        send(subject);
        Mail dead = await().atMost(Duration.ofSeconds(30)).until(() -> findDead(server, subject), java.util.Objects::nonNull);
        assertThat(deliveriesOf(subject)).hasSize(3);
        assertThat(MailAttributes.string(dead, DeliveryAttributes.DEAD_REASON)).hasValueSatisfying(r -> assertThat(r).contains("retries exhausted"));
    }

    @Test
    void goneStopsAtOnceAndDeadLetters(GuiceJamesServer server) throws Exception {
        String subject = "gone-" + UUID.randomUUID();
        RECEIVER.respondWith(n -> 410);
        send(subject);
        Mail dead = await().atMost(Duration.ofSeconds(20))
            .until(() -> findDead(server, subject), java.util.Objects::nonNull);
        Thread.sleep(2500);
        assertThat(deliveriesOf(subject)).hasSize(1);
        assertThat(MailAttributes.string(dead, DeliveryAttributes.DEAD_REASON)).hasValueSatisfying(r -> assertThat(r).contains("410 Gone"));
    }

    @Test
    void retryAfterIsHonoured() throws Exception {
        String subject = "busy-" + UUID.randomUUID();
        RECEIVER.replyWith(d -> d.body().contains(subject) && deliveriesOf(subject).size() == 1
            ? new RecordingReceiver.Reply(429, java.util.Map.of("Retry-After", "4"), Duration.ZERO)
            : RecordingReceiver.Reply.of(204));
        send(subject);
        await().atMost(Duration.ofSeconds(30)).until(() -> deliveriesOf(subject).size() == 2);
        List<RecordingReceiver.Delivery> attempts = deliveriesOf(subject);
        // The schedule alone would wait at most 1 s; the receiver asked for 4.
        assertThat(Duration.between(attempts.get(0).receivedAt(), attempts.get(1).receivedAt())).isGreaterThanOrEqualTo(Duration.ofMillis(3900));
    }

    @Test
    void slowReceiverTimesOutAndIsRetried() throws Exception {
        String subject = "slow-" + UUID.randomUUID();
        RECEIVER.replyWith(d -> d.body().contains(subject) && deliveriesOf(subject).size() == 1
            ? new RecordingReceiver.Reply(204, java.util.Map.of(), Duration.ofSeconds(6))
            : RecordingReceiver.Reply.of(204));
        send(subject);
        await().atMost(Duration.ofSeconds(30)).until(() -> deliveriesOf(subject).size() == 2);
        assertThat(deliveriesOf(subject)).extracting(RecordingReceiver.Delivery::webhookId).containsOnly(deliveriesOf(subject).get(0).webhookId());
    }

    private static Mail findDead(GuiceJamesServer server, String subject) throws Exception {
        return JamesTestServer.findBySubject(server, DEAD_LETTERS, subject);
    }
}
