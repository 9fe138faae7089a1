package org.mailhook.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

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

/**
 * The endpoint breaker inside a real James: mail that fails during an outage waits (parked) without
 * spending attempts, one probe at a time finds the endpoint up again, and the backlog is delivered within
 * seconds, oldest first, each mail once and with its one webhook-id; mail that waits past its retry budget
 * is dead-lettered.
 */
class EndpointBreakerJamesTest {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final MailRepositoryUrl EXPIRE_DEAD = MailRepositoryUrl.from("memory://var/mail/expire-dead/");
    private static final RecordingReceiver RECEIVER = RecordingReceiver.startUnchecked(SECRET);
    private static final RecordingReceiver EXPIRE_RECEIVER = RecordingReceiver.startUnchecked(SECRET);
    private static final JamesTestServer JAMES = JamesTestServer.withMailhookProcessor("""
        <mailet match="All" class="org.mailhook.mailets.FakeJsonMailet"/>
        <mailet match="RecipientIs=expire@inbound.localhost" class="org.mailhook.mailets.WebhookDelivery">
          <url>%s</url>
          <secret>%s</secret>
          <allowLoopback>true</allowLoopback>
          <queue>mailhook-expire</queue>
          <delays>1s, 1s</delays>
          <breakerFailures>1</breakerFailures>
          <breakerProbe>1m..1m</breakerProbe>
          <deadLetterRepository>%s</deadLetterRepository>
          <parkedRepository>memory://var/mail/expire-parked/</parkedRepository>
        </mailet>
        <mailet match="All" class="org.mailhook.mailets.WebhookDelivery">
          <url>%s</url>
          <secret>%s</secret>
          <allowLoopback>true</allowLoopback>
          <delays>5s, 1m</delays>
          <breakerProbe>1s..4s</breakerProbe>
          <deadLetterRepository>memory://var/mail/webhook-dead/</deadLetterRepository>
          <parkedRepository>memory://var/mail/webhook-parked/</parkedRepository>
        </mailet>""".formatted(EXPIRE_RECEIVER.url(), SECRET, EXPIRE_DEAD.asString(), RECEIVER.url(), SECRET));

    @RegisterExtension
    static JamesServerExtension jamesServer = JAMES.extension();

    @AfterAll
    static void closeReceivers() {
        RECEIVER.close();
        EXPIRE_RECEIVER.close();
    }

    private record Answer(String subject, String webhookId, int status, Instant at) {
    }

    private static String subjectOf(RecordingReceiver.Delivery delivery) {
        int at = delivery.body().indexOf("outage-");
        return at < 0 ? "?" : delivery.body().substring(at, delivery.body().indexOf('"', at));
    }

    @Test
    void theBacklogOfAnOutageIsDeliveredWithinSecondsOfRecoveryOldestFirst() throws Exception {
        List<Answer> answers = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
        RECEIVER.replyWith(delivery -> {
            int status = down.get() ? 503 : 204;
            answers.add(new Answer(subjectOf(delivery), delivery.webhookId(), status, Instant.now()));
            return RecordingReceiver.Reply.of(status);
        });
        int mails = 20;
        List<String> subjects = new ArrayList<>();
        for (int i = 0; i < mails; i++) {
            String subject = String.format("outage-%02d", i);
            String reply = SmtpClient.send(JAMES.smtpPort(), "sender@example.org", "to@inbound.localhost",
                "Subject: " + subject + "\r\nMessage-ID: <" + subject + "@example.org>\r\n\r\nbody\r\n");
            assertThat(reply).startsWith("250");
            subjects.add(subject);
            Thread.sleep(250);
        }
        // Long enough for the first mails' 5 s retry to come back and wait as well.
        Thread.sleep(8000);
        long failedDuringOutage = answers.size();
        down.set(false);
        Instant recovered = Instant.now();

        await().atMost(Duration.ofSeconds(30)).until(() -> delivered(answers).size() == mails);
        Map<String, Answer> delivered = delivered(answers);
        Duration last = delivered.values().stream().map(a -> Duration.between(recovered, a.at())).max(Duration::compareTo).orElseThrow();
        System.out.printf("breaker: %d mails, %d requests failed during the ~13 s outage, all delivered %d ms after recovery%n",
            mails, failedDuringOutage, last.toMillis());
        assertThat(last).isLessThan(Duration.ofSeconds(10));
        // While the breaker was open the mails waited: far fewer requests than mails (without it, every mail
        // is tried once and again after 5 s: about 40).
        assertThat(failedDuringOutage).isLessThan(mails);
        // One webhook-id per mail, one 2xx per mail.
        Map<String, List<Answer>> bySubject = answers.stream().collect(Collectors.groupingBy(Answer::subject));
        assertThat(bySubject.keySet()).containsExactlyInAnyOrderElementsOf(subjects);
        bySubject.forEach((subject, list) -> {
            assertThat(list.stream().map(Answer::webhookId).distinct()).as(subject).hasSize(1);
            assertThat(list.stream().filter(a -> a.status() == 204)).as(subject).hasSize(1);
        });
        // The probe is the oldest waiting mail; the backlog follows oldest first (4 at a time).
        List<String> order = answers.stream().filter(a -> a.status() == 204).map(Answer::subject).toList();
        assertThat(order.get(0)).isEqualTo("outage-00");
        for (int i = 0; i < order.size(); i++) {
            assertThat(Math.abs(subjects.indexOf(order.get(i)) - i)).as("position of %s", order.get(i)).isLessThanOrEqualTo(6);
        }
    }

    @Test
    void mailThatWaitsPastItsRetryBudgetIsDeadLetteredWithoutSpendingAttempts(GuiceJamesServer server) throws Exception {
        EXPIRE_RECEIVER.respondWith(n -> 503);
        String subject = "expire-" + java.util.UUID.randomUUID();
        assertThat(SmtpClient.send(JAMES.smtpPort(), "sender@example.org", "expire@inbound.localhost",
            "Subject: " + subject + "\r\nMessage-ID: <" + subject + "@example.org>\r\n\r\nbody\r\n")).startsWith("250");
        // The schedule (1 s, 1 s) gives it 2 s; the breaker opened at the first failure and probes only after a minute.
        Mail dead = await().atMost(Duration.ofSeconds(20))
            .until(() -> JamesTestServer.findBySubject(server, EXPIRE_DEAD, subject), Objects::nonNull);
        assertThat(EXPIRE_RECEIVER.deliveries().stream().filter(d -> d.body().contains(subject))).hasSize(1);
        assertThat(MailAttributes.number(dead, DeliveryAttributes.ATTEMPTS)).contains(1L);
        assertThat(MailAttributes.string(dead, DeliveryAttributes.DEAD_REASON)).hasValueSatisfying(reason ->
            assertThat(reason).contains("retries exhausted after 1 attempts").contains("the endpoint was down (breaker open since"));
    }

    private static Map<String, Answer> delivered(List<Answer> answers) {
        Map<String, Answer> delivered = new ConcurrentHashMap<>();
        synchronized (answers) {
            answers.stream().filter(a -> a.status() == 204).forEach(a -> delivered.putIfAbsent(a.subject(), a));
        }
        return delivered;
    }
}
