package org.mailhook.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Date;
import java.util.List;

import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.queue.memory.MemoryMailQueueFactory;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mailhook.testing.RecordingReceiver;
import org.mailhook.mailets.delivery.DeliveryAttributes;
import org.mailhook.mailets.delivery.WebhookMetrics;

/**
 * A queue item handed out again after its delivery was acknowledged (what RabbitMQ does after a lost
 * acknowledgement, or a spool redelivery does to the whole pipeline) is not sent again; a new acceptance of
 * the same message is. A queue item carries only what delivery needs.
 */
class RepeatedQueueItemTest {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private final RecordingReceiver receiver = RecordingReceiver.startUnchecked(SECRET);
    private final RecordingMetricFactory metrics = new RecordingMetricFactory();
    private final InMemoryMailRepositoryStore repositories = new InMemoryMailRepositoryStore();
    private static final String DEAD = "memory://var/mail/queued-attributes-dead/";
    private WebhookDelivery mailet;

    @AfterEach
    void stop() {
        if (mailet != null) {
            mailet.destroy();
        }
        receiver.close();
    }

    private static FakeMail mail(Date accepted) throws Exception {
        FakeMail mail = FakeMail.builder().name("m-" + accepted.getTime()).recipient("orders@inbound.example")
            .sender("customer@example.org").lastUpdated(accepted).build();
        MailAttributes.set(mail, MailAttributes.ID, "<repeat@example.org>");
        MailAttributes.set(mail, MailAttributes.JSON, "{\"id\":\"<repeat@example.org>\",\"subject\":\"repeat\"}");
        return mail;
    }

    private void start(String queue) throws Exception {
        mailet = new WebhookDelivery(new MemoryMailQueueFactory(new RawMailQueueItemDecoratorFactory()), repositories, metrics, null, null);
        mailet.init(FakeMailetConfig.builder().mailetName("WebhookDelivery").mailetContext(FakeMailContext.defaultContext())
            .setProperty("url", receiver.url()).setProperty("secret", SECRET).setProperty("allowLoopback", "true")
            .setProperty("queue", queue).setProperty("deliveredRepository", "memory://var/mail/" + queue + "/")
            .build());
    }

    @Test
    void aRepeatedItemOfAnAcknowledgedDeliveryIsNotSentAgain() throws Exception {
        receiver.respondWith(n -> 204);
        start("repeat-delivered");
        Date accepted = new Date(1_795_000_000_000L);

        mailet.service(mail(accepted));
        await().atMost(Duration.ofSeconds(20)).until(() -> metrics.countFor(WebhookMetrics.DELIVERED) == 1);
        assertThat(repositories.select(MailRepositoryUrl.from("memory://var/mail/repeat-delivered/")).size()).isEqualTo(1);

        // the same queue item again: same acceptance time, same webhook-id
        mailet.service(mail(accepted));
        await().atMost(Duration.ofSeconds(20)).until(() -> metrics.countFor(WebhookMetrics.DUPLICATES_SUPPRESSED) == 1);
        assertThat(receiver.deliveries()).hasSize(1);

        // the same message accepted again by SMTP is a new delivery (same webhook-id, for the receiver to judge)
        mailet.service(mail(new Date(accepted.getTime() + 60_000)));
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.deliveries().size() == 2);
        List<String> ids = receiver.deliveries().stream().map(RecordingReceiver.Delivery::webhookId).distinct().toList();
        assertThat(ids).hasSize(1);
        assertThat(metrics.countFor(WebhookMetrics.DUPLICATES_SUPPRESSED)).isEqualTo(1);
    }

    @Test
    void twoCopiesOfOneItemAtOnceAreSentOnce() throws Exception {
        // the receiver takes 1.5 s: the second copy is taken off the queue while the first is in flight
        receiver.replyWith(delivery -> new RecordingReceiver.Reply(204, java.util.Map.of(), Duration.ofMillis(1500)));
        start("repeat-concurrent");
        Date accepted = new Date(1_795_000_100_000L);

        mailet.service(mail(accepted));
        mailet.service(mail(accepted));
        await().atMost(Duration.ofSeconds(30)).until(() -> metrics.countFor(WebhookMetrics.DUPLICATES_SUPPRESSED) == 1);
        assertThat(metrics.countFor(WebhookMetrics.DELIVERED)).isEqualTo(1);
        assertThat(receiver.deliveries()).hasSize(1);
    }

    /**
     * The queue item carries what delivery needs (the JSON document, its id, the delivery state), not the
     * attributes the document embeds: they would be encoded again at every enqueue and retry.
     */
    @Test
    void theQueuedCopyDropsTheSectionsTheJsonEmbedsAndKeepsTheDocument() throws Exception {
        // 410 Gone dead-letters at once: the dead letter is the queue item as the consumer had it.
        receiver.respondWith(n -> 410);
        mailet = new WebhookDelivery(new MemoryMailQueueFactory(new RawMailQueueItemDecoratorFactory()), repositories, metrics, null, null);
        mailet.init(FakeMailetConfig.builder().mailetName("WebhookDelivery").mailetContext(FakeMailContext.defaultContext())
            .setProperty("url", receiver.url()).setProperty("secret", SECRET).setProperty("allowLoopback", "true")
            .setProperty("queue", "queued-attributes").setProperty("deadLetterRepository", DEAD)
            .build());
        FakeMail mail = FakeMail.builder().name("queued-attributes").recipient("orders@inbound.example")
            .sender("customer@example.org").lastUpdated(new Date(1_795_000_000_000L)).build();
        String json = "{\"id\":\"<q@example.org>\",\"auth\":{\"spf\":\"pass\"},\"security\":{\"verdict\":\"clean\"}}";
        MailAttributes.set(mail, MailAttributes.ID, "<q@example.org>");
        MailAttributes.set(mail, MailAttributes.JSON, json);
        MailAttributes.set(mail, MailAttributes.AUTH, "{\"spf\":\"pass\"}");
        MailAttributes.set(mail, MailAttributes.SECURITY, "{\"verdict\":\"clean\"}");
        MailAttributes.set(mail, MailAttributes.SUMMARY, "{\"id\":\"<q@example.org>\"}");
        MailAttributes.set(mail, MailAttributes.SPAM, "null");

        mailet.service(mail);
        await().atMost(Duration.ofSeconds(20)).until(() -> metrics.countFor(WebhookMetrics.DEAD_LETTERS) == 1);

        MailRepository dead = repositories.select(MailRepositoryUrl.from(DEAD));
        MailKey key = dead.list().next();
        Mail queued = dead.retrieve(key);
        assertThat(MailAttributes.string(queued, MailAttributes.JSON)).contains(json);
        assertThat(MailAttributes.string(queued, MailAttributes.ID)).contains("<q@example.org>");
        assertThat(MailAttributes.string(queued, DeliveryAttributes.WEBHOOK_ID)).isPresent();
        assertThat(queued.getAttribute(MailAttributes.AUTH)).isEmpty();
        assertThat(queued.getAttribute(MailAttributes.SECURITY)).isEmpty();
        assertThat(queued.getAttribute(MailAttributes.SUMMARY)).isEmpty();
        assertThat(queued.getAttribute(MailAttributes.SPAM)).isEmpty();
        // the mail that went on through the pipeline is unchanged
        assertThat(MailAttributes.string(mail, MailAttributes.AUTH)).contains("{\"spf\":\"pass\"}");
        assertThat(receiver.deliveries()).hasSize(1);
    }
}
