package org.mailhook.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class DeliveredRecordTest {
    private static final String HISTORY = "[{\"attempt\":1,\"at\":\"2026-11-29T06:00:01Z\",\"status\":503,\"error\":\"HTTP 503\"},"
        + "{\"attempt\":2,\"at\":\"2026-11-29T06:00:03Z\",\"status\":204}]";
    private static final String ROUTE = "{\"endpoint\":\"orders\",\"recipients\":[{\"address\":\"orders+7@shop.example\",\"tag\":\"7\"}]}";

    static DeliveredRecord record(String webhookId, String endpoint, Instant deliveredAt) {
        return new DeliveredRecord(webhookId, Optional.of("mh1_0123456789abcdef0123456789abcdef"), endpoint,
            List.of("orders+7@shop.example"), Optional.of("Order 7"), Instant.parse("2026-11-29T06:00:00Z"), deliveredAt, 2, 204,
            HISTORY, ROUTE, Optional.of("m1764396000000-000000-3fa2c19e-mh1_0123456789abcdef0123456789abcdef"));
    }

    @Test
    void jsonRoundTripKeepsEveryFieldAndTheKeyIsAcceptanceTimeAndWebhookId() {
        String webhookId = WebhookIds.forDelivery("mh1_0123456789abcdef0123456789abcdef", "orders");
        DeliveredRecord record = record(webhookId, "orders", Instant.parse("2026-11-29T06:00:03.250Z"));
        DeliveredRecord read = DeliveredRecord.fromJson(record.toJson()).orElseThrow();
        assertThat(read).isEqualTo(record);
        assertThat(read.key()).isEqualTo("d1795932000000-" + webhookId);
        assertThat(DeliveredRecord.acceptedAtOfKey(read.key())).contains(Instant.parse("2026-11-29T06:00:00Z"));
        assertThat(DeliveredRecord.acceptedAtOfKey("m1795932000000-000000-3fa2c19e")).isEmpty();
        assertThat(read.lastAttempt().orElseThrow().path("status").asInt()).isEqualTo(204);

        DeliveredRecord bare = new DeliveredRecord(webhookId, Optional.empty(), "orders", List.of(), Optional.empty(),
            Instant.EPOCH, Instant.EPOCH, 1, 200, "[]", "null", Optional.empty());
        assertThat(DeliveredRecord.fromJson(bare.toJson())).contains(bare);
        assertThat(bare.lastAttempt()).isEmpty();
    }

    @Test
    void unreadableTextIsNoRecord() {
        assertThat(DeliveredRecord.fromJson("not json")).isEmpty();
        assertThat(DeliveredRecord.fromJson("{\"endpoint\":\"orders\"}")).isEmpty();
        assertThat(DeliveredRecord.fromJson("{\"webhookId\":\"msg_x\",\"endpoint\":\"orders\",\"acceptedAt\":\"yesterday\"}")).isEmpty();
    }

    @Test
    void expiresWhenDeliveredLongerAgoThanTheRetention() {
        DeliveredRecord record = record("msg_x", "orders", Instant.parse("2026-11-29T06:00:00Z"));
        assertThat(record.expired(Instant.parse("2026-12-06T05:59:59Z"), Duration.ofDays(7))).isFalse();
        assertThat(record.expired(Instant.parse("2026-12-06T06:00:00Z"), Duration.ofDays(7))).isFalse();
        assertThat(record.expired(Instant.parse("2026-12-06T06:00:00.001Z"), Duration.ofDays(7))).isTrue();
    }

    @Test
    void selectionByEndpointAndHalfOpenTimeRange() {
        DeliverySelection selection = DeliverySelection.parse(" orders ", "2026-11-29T06:00:00Z", "2026-11-29T07:00:00Z");
        assertThat(selection.isEverything()).isFalse();
        assertThat(selection.matches(Optional.of("orders"), Instant.parse("2026-11-29T06:00:00Z"))).isTrue();
        assertThat(selection.matches(Optional.of("orders"), Instant.parse("2026-11-29T06:59:59.999Z"))).isTrue();
        assertThat(selection.matches(Optional.of("orders"), Instant.parse("2026-11-29T07:00:00Z"))).isFalse();
        assertThat(selection.matches(Optional.of("orders"), Instant.parse("2026-11-29T05:59:59Z"))).isFalse();
        assertThat(selection.matches(Optional.of("billing"), Instant.parse("2026-11-29T06:30:00Z"))).isFalse();
        assertThat(selection.matches(Optional.empty(), Instant.parse("2026-11-29T06:30:00Z"))).isFalse();
        assertThat(DeliverySelection.parse(null, "", " ").isEverything()).isTrue();
        assertThat(DeliverySelection.parse(null, null, null).matches(Optional.empty(), Instant.EPOCH)).isTrue();
        assertThatThrownBy(() -> DeliverySelection.parse(null, "2026-11-29", null))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ISO-8601");
    }

    @Test
    void keysAreZeroPaddedAsBeforeAndReadBack() {
        for (long millis : new long[] {-5, 0, 7, 1_795_000_000_000L, 9_999_999_999_999L}) {
            String key = DeliveredRecord.keyOf(millis, "msg_abc");
            assertThat(key).isEqualTo(String.format("d%013d-%s", Math.max(0, millis), "msg_abc"));
            assertThat(DeliveredRecord.acceptedAtOfKey(key)).contains(Instant.ofEpochMilli(Math.max(0, millis)));
        }
    }
}
