package org.mailhook.mailets.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
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
import org.mailhook.webhook.DeliverySelection;
import org.mailhook.webhook.DeliveryOutcome;
import org.mailhook.webhook.WebhookIds;
import org.mailhook.mailets.Archive;
import org.mailhook.mailets.MailAttributes;
import org.mailhook.mailets.InMemoryMailRepositoryStore;
import org.mailhook.mailets.Repositories;

class DeliveredStoreTest {
    private static final String MAILHOOK_ID = "mh1_0123456789abcdef0123456789abcdef";
    private static final Instant ACCEPTED = Instant.parse("2026-11-29T06:00:00Z");

    @TempDir
    Path jamesHome;

    /** A webhook queue item as the consumer holds it when the receiver acknowledges its second attempt. */
    private static Mail acknowledged(String endpoint) throws Exception {
        return acknowledged(endpoint, ACCEPTED);
    }

    private static Mail acknowledged(String endpoint, Instant accepted) throws Exception {
        Mail mail = FakeMail.builder().name("Mail1764396000000-1")
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setSubject("Order 7").setText("body"))
            .recipient("orders+7@shop.example").build();
        MailAttributes.set(mail, MailAttributes.ID, MAILHOOK_ID);
        MailAttributes.set(mail, Archive.ARCHIVE_ID, "m1764396000000-000000-3fa2c19e-" + MAILHOOK_ID);
        String webhookId = WebhookIds.forDelivery(MAILHOOK_ID, endpoint);
        DeliveryAttributes.start(mail, endpoint, webhookId, accepted.toEpochMilli(),
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
        assertThat(record.webhookId()).isEqualTo(WebhookIds.forDelivery(MAILHOOK_ID, "orders"));
        assertThat(record.key()).isEqualTo("d" + ACCEPTED.toEpochMilli() + "-" + record.webhookId());
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
    void aRepeatedOrReplayedDeliveryKeepsOneRecordAndSelectionReadsNewestAcceptedFirstOnTheShippedRepository() throws Exception {
        MailRepository files = InMemoryMailRepositoryStore.files(jamesHome).select(MailRepositoryUrl.from(Repositories.DELIVERED));
        DeliveredStore store = new DeliveredStore(files);
        Mail orders = acknowledged("orders");
        // the consumer crashed after writing, the queue gave the item again, a later attempt was acknowledged
        store.write(DeliveredStore.recordOf(orders, ACCEPTED.plusSeconds(3), 204), DeliveredStore.replayedRecord(orders));
        store.write(DeliveredStore.recordOf(orders, ACCEPTED.plusSeconds(9), 200), DeliveredStore.replayedRecord(orders));
        Mail billing = acknowledged("billing", ACCEPTED.plusSeconds(1));
        store.write(DeliveredStore.recordOf(billing, ACCEPTED.plusSeconds(5), 202), Optional.empty());
        assertThat(files.size()).isEqualTo(2);

        DeliveredStore.Page all = store.select(DeliverySelection.ALL, 10);
        assertThat(all.records()).extracting(DeliveredRecord::endpoint).containsExactly("billing", "orders");
        assertThat(all.more()).isFalse();
        assertThat(all.records().get(1).deliveredAt()).isEqualTo(ACCEPTED.plusSeconds(9));
        assertThat(all.records().get(1).lastStatus()).isEqualTo(200);
        DeliveredStore.Page first = store.select(DeliverySelection.ALL, 1);
        assertThat(first.records()).extracting(DeliveredRecord::endpoint).containsExactly("billing");
        assertThat(first.more()).isTrue();
        assertThat(store.select(DeliverySelection.parse("orders", null, null), 10).records()).extracting(DeliveredRecord::endpoint)
            .containsExactly("orders");
        // by delivery time: billing was delivered at +5 s, orders at +9 s
        assertThat(store.select(DeliverySelection.parse(null, ACCEPTED.plusSeconds(6).toString(), null), 10).records())
            .extracting(DeliveredRecord::endpoint).containsExactly("orders");
        assertThat(store.select(DeliverySelection.parse(null, ACCEPTED.plusSeconds(4).toString(), ACCEPTED.plusSeconds(6).toString()), 10)
            .records()).extracting(DeliveredRecord::endpoint).containsExactly("billing");

        // a replay of the orders delivery, acknowledged: its record replaces the one it was made from
        DeliveredRecord before = store.find(all.records().get(1).key()).orElseThrow();
        Mail replay = acknowledged("orders", ACCEPTED.plusSeconds(60));
        MailAttributes.set(replay, DeliveryAttributes.REPLAY_OF, before.key());
        store.write(DeliveredStore.recordOf(replay, ACCEPTED.plusSeconds(61), 204), DeliveredStore.replayedRecord(replay));
        assertThat(files.size()).isEqualTo(2);
        assertThat(store.find(before.key())).isEmpty();
        DeliveredRecord now = store.select(DeliverySelection.parse("orders", null, null), 10).records().get(0);
        assertThat(now.webhookId()).isEqualTo(before.webhookId());
        assertThat(now.deliveredAt()).isEqualTo(ACCEPTED.plusSeconds(61));

        assertThat(store.remove(now.key())).isTrue();
        assertThat(store.remove(now.key())).isFalse();
        assertThat(store.find(now.key())).isEmpty();
    }

    @Test
    void onTheShippedRepositoryRecordsWrittenBeforeARestartAreFound() throws Exception {
        MailRepository files = InMemoryMailRepositoryStore.files(jamesHome).select(MailRepositoryUrl.from(Repositories.DELIVERED));
        Mail orders = acknowledged("orders");
        new DeliveredStore(files).write(DeliveredStore.recordOf(orders, ACCEPTED.plusSeconds(3), 204), Optional.empty());

        DeliveredStore afterRestart = new DeliveredStore(files);
        assertThat(afterRestart.acknowledgedBefore(orders)).isTrue();
        Mail billing = acknowledged("billing");
        assertThat(afterRestart.acknowledgedBefore(billing)).isFalse();
        afterRestart.write(DeliveredStore.recordOf(billing, ACCEPTED.plusSeconds(4), 204), Optional.empty());
        assertThat(afterRestart.acknowledgedBefore(billing)).isTrue();
        assertThat(files.size()).isEqualTo(2);
    }

    @Test
    void theDeliveriesApiSeesRecordsAnotherInstanceWroteAfterItLookedFirst() throws Exception {
        MailRepository files = InMemoryMailRepositoryStore.files(jamesHome).select(MailRepositoryUrl.from(Repositories.DELIVERED));
        DeliveredStore api = new DeliveredStore(files);
        DeliveredStore consumer = new DeliveredStore(files);
        Mail orders = acknowledged("orders");
        assertThat(api.select(DeliverySelection.ALL, 10).records()).isEmpty();
        assertThat(consumer.acknowledgedBefore(orders)).isFalse();

        DeliveredRecord record = DeliveredStore.recordOf(orders, ACCEPTED.plusSeconds(3), 204);
        consumer.write(record, Optional.empty());

        assertThat(api.select(DeliverySelection.ALL, 10).records()).extracting(DeliveredRecord::webhookId).containsExactly(record.webhookId());
        assertThat(api.find(record.key())).isPresent();
        assertThat(consumer.acknowledgedBefore(orders)).isTrue();
    }

    @Test
    void pruningRemovesExactlyTheRecordsDeliveredLongerAgoThanTheRetention() throws Exception {
        MemoryMailRepository repository = new MemoryMailRepository();
        DeliveredStore store = new DeliveredStore(repository);
        Clock clock = Clock.fixed(ACCEPTED, ZoneOffset.UTC);
        for (int day = 0; day < 10; day++) {
            Instant accepted = clock.instant().plus(Duration.ofDays(day));
            store.write(DeliveredStore.recordOf(acknowledged("endpoint-" + day, accepted), accepted.plus(Duration.ofHours(1)), 204),
                Optional.empty());
        }
        // accepted on day 0, delivered on day 3 after long retries: kept as long as the day-3 deliveries
        store.write(DeliveredStore.recordOf(acknowledged("slow", clock.instant()), clock.instant().plus(Duration.ofDays(3)), 204),
            Optional.empty());
        // an unreadable record accepted on day 0, and a mail that is not a record at all
        repository.store(FakeMail.builder().name("d" + ACCEPTED.toEpochMilli() + "-msg_unreadable")
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setText("x")).build());
        repository.store(FakeMail.builder().name("not-a-record").mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setText("x")).build());

        // nine days later with a 7-day retention (cutoff: day 2): day 0 and day 1 go, and the unreadable one
        Clock later = Clock.offset(clock, Duration.ofDays(9));
        assertThat(store.prune(later.instant(), Duration.ofDays(7))).isEqualTo(3);
        assertThat(store.select(DeliverySelection.ALL, 100).records()).extracting(DeliveredRecord::endpoint)
            .hasSize(9).contains("slow").doesNotContain("endpoint-0", "endpoint-1");
        assertThat(repository.retrieve(new MailKey("not-a-record"))).isNotNull();
        assertThat(store.prune(later.instant(), Duration.ofDays(7))).isZero();
        // two days on, the slow one's delivery is past the retention too
        assertThat(store.prune(Clock.offset(later, Duration.ofDays(2)).instant(), Duration.ofDays(7))).isEqualTo(3);
        assertThat(store.select(DeliverySelection.ALL, 100).records()).extracting(DeliveredRecord::endpoint).doesNotContain("slow");
    }

    @Test
    void recentRecordsAreTheNewestAcceptedSinceAndReadNoOlderOne() throws Exception {
        DeliveredStore store = new DeliveredStore(new MemoryMailRepository());
        for (int minute = 0; minute < 5; minute++) {
            Instant accepted = ACCEPTED.plus(Duration.ofMinutes(minute));
            store.write(DeliveredStore.recordOf(acknowledged("endpoint-" + minute, accepted), accepted.plusSeconds(1), 204), Optional.empty());
        }
        DeliveredStore.Page since = store.recent(ACCEPTED.plus(Duration.ofMinutes(2)), 10);
        assertThat(since.records()).extracting(DeliveredRecord::endpoint).containsExactly("endpoint-4", "endpoint-3", "endpoint-2");
        assertThat(since.more()).isFalse();
        DeliveredStore.Page capped = store.recent(ACCEPTED, 2);
        assertThat(capped.records()).extracting(DeliveredRecord::endpoint).containsExactly("endpoint-4", "endpoint-3");
        assertThat(capped.more()).isTrue();
    }

    @Test
    void aReplayToAnotherEndpointGetsThatEndpointsWebhookIdAndRouteAndIsNotAReplayOfTheRecord() throws Exception {
        DeliveredRecord record = DeliveredStore.recordOf(acknowledged("orders"), ACCEPTED.plusSeconds(3), 204);
        Mail archived = FakeMail.builder().name("archived")
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setSubject("Order 7").setText("body")).build();
        DeliveryState.restoreDelivered(archived, record);
        assertThat(DeliveredStore.replayedRecord(archived)).contains(record.key());
        DeliveryState.retarget(archived, record, "billing");
        assertThat(DeliveryAttributes.endpoint(archived)).contains("billing");
        assertThat(DeliveryAttributes.webhookId(archived)).isEqualTo(WebhookIds.forDelivery(MAILHOOK_ID, "billing"))
            .isNotEqualTo(record.webhookId());
        assertThat(MailAttributes.string(archived, DeliveryAttributes.ROUTE)).hasValueSatisfying(route ->
            assertThat(route).contains("\"endpoint\":\"billing\"").contains("\"tag\":\"7\""));
        assertThat(DeliveredStore.replayedRecord(archived)).isEmpty();
        assertThat(DeliveryAttributes.history(archived)).isEqualTo("[]");
        assertThat(archived.getRecipients()).extracting(Object::toString).containsExactly("orders+7@shop.example");
    }

    @Test
    void aDeadLetterSentToAnotherEndpointGetsThatEndpointsWebhookIdAndRouteAndAnUpdateIsRefused() throws Exception {
        Mail dead = acknowledged("orders");
        MailAttributes.set(dead, DeliveryAttributes.DEAD_REASON, "permanent failure: HTTP 400");
        MailAttributes.set(dead, DeliveryAttributes.REPLAY_OF, "d1-msg_x");
        DeliveryState.retarget(dead, "billing");
        DeliveryState.resetForRedelivery(dead, ACCEPTED.plusSeconds(60).toEpochMilli());
        assertThat(DeliveryAttributes.endpoint(dead)).contains("billing");
        assertThat(DeliveryAttributes.webhookId(dead)).isEqualTo(WebhookIds.forDelivery(MAILHOOK_ID, "billing"))
            .isNotEqualTo(WebhookIds.forDelivery(MAILHOOK_ID, "orders"));
        assertThat(MailAttributes.string(dead, DeliveryAttributes.ROUTE)).hasValueSatisfying(route ->
            assertThat(route).contains("\"endpoint\":\"billing\"").contains("\"tag\":\"7\""));
        assertThat(DeliveryAttributes.history(dead)).isEqualTo("[]");
        assertThat(DeliveryAttributes.attempts(dead)).isZero();
        assertThat(DeliveredStore.replayedRecord(dead)).as("its acknowledgement replaces no record").isEmpty();
        assertThat(DeliveryState.view(dead).deadReason()).isEmpty();
        // its record's key is the target's webhook-id: a repeated copy of this delivery is recognised, no other delivery's record is
        assertThat(DeliveredStore.recordOf(dead, ACCEPTED.plusSeconds(61), 204).key())
            .isEqualTo("d" + ACCEPTED.plusSeconds(60).toEpochMilli() + "-" + WebhookIds.forDelivery(MAILHOOK_ID, "billing"));

        Mail update = acknowledged("orders");
        MailAttributes.set(update, DeliveryAttributes.WEBHOOK_ID, WebhookIds.forUpdate(MAILHOOK_ID, "orders", 2));
        assertThatThrownBy(() -> DeliveryState.retarget(update, "billing")).hasMessageContaining("message.updated");
        assertThat(DeliveryAttributes.endpoint(update)).contains("orders");
    }
}
