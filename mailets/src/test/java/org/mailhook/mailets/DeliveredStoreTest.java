package org.mailhook.mailets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.mailrepository.memory.MemoryMailRepository;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.webhook.AttemptHistory;
import org.mailhook.webhook.AttemptResult;
import org.mailhook.webhook.DeliveredRecord;
import org.mailhook.webhook.DeliveryOutcome;
import org.mailhook.webhook.WebhookIds;

class DeliveredStoreTest {
    private static final String MAILHOOK_ID = "mh1_0123456789abcdef0123456789abcdef";
    private static final Instant ACCEPTED = Instant.parse("2026-11-29T06:00:00Z");

    @TempDir
    Path jamesHome;

    /** A webhook queue item as the consumer holds it when the receiver acknowledges its second attempt. */
    private static Mail acknowledged(String endpoint) throws Exception {
        Mail mail = FakeMail.builder().name("Mail1764396000000-1")
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setSubject("Order 7").setText("body"))
            .recipient("orders+7@shop.example").build();
        MailAttributes.set(mail, MailAttributes.ID, MAILHOOK_ID);
        MailAttributes.set(mail, Archive.ARCHIVE_ID, "m1764396000000-000000-3fa2c19e-" + MAILHOOK_ID);
        String webhookId = WebhookIds.forDelivery(MAILHOOK_ID, endpoint);
        DeliveryAttributes.start(mail, endpoint, webhookId, ACCEPTED.toEpochMilli(),
            "{\"endpoint\":\"" + endpoint + "\",\"recipients\":[{\"address\":\"orders+7@shop.example\",\"tag\":\"7\"}]}");
        String history = DeliveryAttributes.history(mail);
        for (int attempt = 1; attempt <= 2; attempt++) {
            AttemptResult result = attempt == 1
                ? new AttemptResult(ACCEPTED.plusSeconds(1), 503, Duration.ofMillis(30), Optional.of("HTTP 503"), DeliveryOutcome.RETRY, Optional.empty())
                : new AttemptResult(ACCEPTED.plusSeconds(3), 204, Duration.ofMillis(20), Optional.empty(), DeliveryOutcome.DELIVERED, Optional.empty());
            history = AttemptHistory.append(Optional.of(history), attempt, endpoint, webhookId, result);
        }
        MailAttributes.set(mail, DeliveryAttributes.HISTORY, history);
        MailAttributes.set(mail, DeliveryAttributes.ATTEMPTS, 2L);
        return mail;
    }

    @Test
    void theRecordOfAnAcknowledgedQueueItemHoldsWhatListingAndReplayNeed() throws Exception {
        DeliveredRecord record = DeliveredStore.recordOf(acknowledged("orders"), ACCEPTED.plusSeconds(3), 204);
        assertThat(record.key()).isEqualTo(WebhookIds.forDelivery(MAILHOOK_ID, "orders")).isEqualTo(record.webhookId());
        assertThat(record.mailhookId()).contains(MAILHOOK_ID);
        assertThat(record.endpoint()).isEqualTo("orders");
        assertThat(record.recipients()).containsExactly("orders+7@shop.example");
        assertThat(record.subject()).contains("Order 7");
        assertThat(record.acceptedAt()).isEqualTo(ACCEPTED);
        assertThat(record.deliveredAt()).isEqualTo(ACCEPTED.plusSeconds(3));
        assertThat(record.attempts()).isEqualTo(2);
        assertThat(record.lastStatus()).isEqualTo(204);
        assertThat(AttemptHistory.attempts(Optional.of(record.history()))).isEqualTo(2);
        assertThat(record.route()).contains("\"tag\":\"7\"");
        assertThat(record.archiveKey()).contains("m1764396000000-000000-3fa2c19e-" + MAILHOOK_ID);
    }

    @Test
    void aRepeatedRecordReplacesTheFirstAndRecordsSurviveJamesFileRepository() throws Exception {
        MailRepository files = InMemoryMailRepositoryStore.files(jamesHome).select(MailRepositoryUrl.from(DeliveredStore.DEFAULT_REPOSITORY));
        DeliveredStore store = new DeliveredStore(files);
        Mail mail = acknowledged("orders");
        // the consumer crashed after writing, the queue gave the item again, a later attempt was acknowledged
        store.write(DeliveredStore.recordOf(mail, ACCEPTED.plusSeconds(3), 204));
        store.write(DeliveredStore.recordOf(mail, ACCEPTED.plusSeconds(9), 200));
        store.write(DeliveredStore.recordOf(acknowledged("billing"), ACCEPTED.plusSeconds(5), 202));

        assertThat(files.size()).isEqualTo(2);
        List<DeliveredRecord> listed = store.list();
        assertThat(listed).extracting(DeliveredRecord::endpoint).containsExactly("orders", "billing");
        assertThat(listed.get(0).deliveredAt()).isEqualTo(ACCEPTED.plusSeconds(9));
        assertThat(listed.get(0).lastStatus()).isEqualTo(200);
        String key = listed.get(1).key();
        assertThat(store.find(key)).contains(listed.get(1));
        assertThat(store.remove(key)).isTrue();
        assertThat(store.remove(key)).isFalse();
        assertThat(store.find(key)).isEmpty();
    }

    @Test
    void pruningRemovesExactlyTheRecordsDeliveredLongerAgoThanTheRetention() throws Exception {
        MemoryMailRepository repository = new MemoryMailRepository();
        DeliveredStore store = new DeliveredStore(repository);
        Clock clock = Clock.fixed(ACCEPTED, ZoneOffset.UTC);
        for (int day = 0; day < 10; day++) {
            Instant at = clock.instant().plus(Duration.ofDays(day));
            DeliveredRecord record = DeliveredStore.recordOf(acknowledged("endpoint-" + day), at, 204);
            store.write(record);
        }
        // nine days later, with a 7-day retention: the records of day 0 and day 1 go
        Clock later = Clock.offset(clock, Duration.ofDays(9));
        assertThat(store.prune(later.instant(), Duration.ofDays(7))).isEqualTo(2);
        assertThat(store.list()).extracting(DeliveredRecord::endpoint).hasSize(8).doesNotContain("endpoint-0", "endpoint-1");
        assertThat(store.prune(later.instant(), Duration.ofDays(7))).isZero();

        // a record no one can read is kept until its own storage time is past the retention
        repository.store(FakeMail.builder().name("garbage").mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setText("x"))
            .lastUpdated(java.util.Date.from(ACCEPTED)).build());
        assertThat(store.prune(Clock.offset(clock, Duration.ofDays(6)).instant(), Duration.ofDays(7))).isZero();
        assertThat(repository.retrieve(new MailKey("garbage"))).isNotNull();
        assertThat(store.prune(later.instant(), Duration.ofDays(7))).isEqualTo(1);
        assertThat(repository.retrieve(new MailKey("garbage"))).isNull();
    }
}
