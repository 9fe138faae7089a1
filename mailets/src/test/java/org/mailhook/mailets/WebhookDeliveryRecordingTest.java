package org.mailhook.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;

import javax.mail.MessagingException;

import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.mailrepository.memory.MemoryMailRepository;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.queue.memory.MemoryMailQueueFactory;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import okhttp3.Dns;

/** Which repository WebhookDelivery records acknowledged deliveries in ({@code deliveredRepository}). */
class WebhookDeliveryRecordingTest {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final MailRepositoryUrl DEFAULT = MailRepositoryUrl.from(Repositories.DELIVERED);
    private WebhookDelivery mailet;

    @AfterEach
    void stop() {
        if (mailet != null) {
            mailet.destroy();
        }
    }

    private void init(InMemoryMailRepositoryStore repositories, String deliveredRepository) throws MessagingException {
        mailet = new WebhookDelivery(new MemoryMailQueueFactory(new RawMailQueueItemDecoratorFactory()), repositories,
            Clock.systemUTC(), Dns.SYSTEM, null);
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("WebhookDelivery")
            .mailetContext(FakeMailContext.defaultContext())
            .setProperty("url", "https://hooks.example.com/inbound").setProperty("secret", SECRET)
            .setProperty("queue", "recording-test").setProperty("deliveredRetention", "2d")
            // as a distributed James is configured (dead letters shared by every node)
            .setProperty("deadLetterRepository", "cassandra://var/mail/webhook-dead-letters/");
        if (deliveredRepository != null) {
            config.setProperty("deliveredRepository", deliveredRepository);
        }
        mailet.init(config.build());
    }

    @Test
    void recordsInTheDefaultRepositoryUnlessTheParameterIsEmpty() throws Exception {
        InMemoryMailRepositoryStore repositories = new InMemoryMailRepositoryStore();
        init(repositories, null);
        assertThat(repositories.getUrls()).contains(DEFAULT);
        mailet.destroy();

        InMemoryMailRepositoryStore none = new InMemoryMailRepositoryStore();
        init(none, "");
        assertThat(none.getUrls()).doesNotContain(DEFAULT);
    }

    @Test
    void aJamesWithoutFileRepositoriesStartsWithoutRecordsUnlessOneWasAskedFor() throws Exception {
        // like the distributed James, whose repository store knows cassandra:// only
        InMemoryMailRepositoryStore cassandraOnly = new InMemoryMailRepositoryStore(url -> {
            if (!url.getProtocol().getValue().equals("cassandra")) {
                throw new IllegalArgumentException("no repository for protocol " + url.getProtocol().getValue());
            }
            return new MemoryMailRepository();
        });
        init(cassandraOnly, null);
        assertThat(cassandraOnly.getUrls()).doesNotContain(DEFAULT);
        mailet.destroy();

        assertThatThrownBy(() -> init(cassandraOnly, "file://var/mail/mailhook-delivered/"))
            .isInstanceOf(MessagingException.class).hasMessageContaining("<deliveredRepository>");
        mailet.destroy();
        init(cassandraOnly, "cassandra://var/mail/mailhook-delivered/");
        assertThat(cassandraOnly.getUrls()).contains(MailRepositoryUrl.from("cassandra://var/mail/mailhook-delivered/"));
    }

    @Test
    void aRetentionThatIsNoDurationIsRefusedNamingTheParameter() {
        assertThatThrownBy(() -> {
            mailet = new WebhookDelivery(new MemoryMailQueueFactory(new RawMailQueueItemDecoratorFactory()), new InMemoryMailRepositoryStore(),
                Clock.systemUTC(), Dns.SYSTEM, null);
            mailet.init(FakeMailetConfig.builder().mailetName("WebhookDelivery").mailetContext(FakeMailContext.defaultContext())
                .setProperty("url", "https://hooks.example.com/inbound").setProperty("secret", SECRET)
                .setProperty("queue", "recording-test").setProperty("deliveredRetention", "a week").build());
        }).isInstanceOf(MessagingException.class).hasMessageContaining("<deliveredRetention>");
    }
}
