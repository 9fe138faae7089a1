package org.mailhook.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.mailhook.webhook.DeliveryStats.Outcome;

class DeliveryStatsTest {
    private static final Instant T0 = Instant.parse("2026-12-08T00:00:00Z");

    private static Outcome delivered(String endpoint, int finishedSecond, long latencyMillis) {
        Instant finished = T0.plusSeconds(finishedSecond);
        return new Outcome(endpoint, finished.minusMillis(latencyMillis), finished, true);
    }

    private static Outcome dead(String endpoint, int finishedSecond) {
        return new Outcome(endpoint, T0, T0.plusSeconds(finishedSecond), false);
    }

    @Test
    void successRateIsDeliveredOfFinishedAndPercentilesAreNearestRankOfAckLatencies() {
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            outcomes.add(delivered("orders", 10, i * 10L));
        }
        outcomes.add(dead("orders", 20));
        DeliveryStats.Summary summary = DeliveryStats.summarize(outcomes);
        assertThat(summary.delivered()).isEqualTo(100);
        assertThat(summary.failed()).isEqualTo(1);
        assertThat(summary.successRate()).hasValueSatisfying(rate -> assertThat(rate).isEqualTo(100.0 / 101));
        assertThat(summary.p50()).contains(Duration.ofMillis(500));
        assertThat(summary.p99()).contains(Duration.ofMillis(990));
    }

    @Test
    void nothingFinishedHasNoRateAndNoLatency() {
        assertThat(DeliveryStats.summarize(List.of())).isEqualTo(DeliveryStats.Summary.NONE);
        assertThat(DeliveryStats.Summary.NONE.successRate()).isEmpty();
        DeliveryStats.Summary onlyDead = DeliveryStats.summarize(List.of(dead("a", 1)));
        assertThat(onlyDead.successRate()).contains(0.0);
        assertThat(onlyDead.p50()).isEmpty();
    }

    @Test
    void summariesPerEndpoint() {
        Map<String, DeliveryStats.Summary> byEndpoint = DeliveryStats.byEndpoint(List.of(delivered("a", 1, 100), dead("b", 2),
            delivered("b", 3, 300)));
        assertThat(byEndpoint).containsOnlyKeys("a", "b");
        assertThat(byEndpoint.get("a").p99()).contains(Duration.ofMillis(100));
        assertThat(byEndpoint.get("b").successRate()).contains(0.5);
    }

    @Test
    void bucketsCoverTheWindowOldestFirstAndLeaveOutWhatFinishedOutsideIt() {
        Instant end = T0.plus(Duration.ofMinutes(60));
        List<DeliveryStats.Bucket> buckets = DeliveryStats.buckets(List.of(
            delivered("a", 0, 50),                 // first bucket, its very start
            delivered("a", 299, 70),               // still the first
            dead("a", 300),                        // second bucket
            delivered("a", 3599, 2000),            // last bucket
            delivered("a", 3600, 10),              // at the end: outside
            new Outcome("a", T0, T0.minusSeconds(1), true)), // before the window
            end, Duration.ofHours(1), Duration.ofMinutes(5));
        assertThat(buckets).hasSize(12);
        assertThat(buckets.get(0).start()).isEqualTo(T0);
        assertThat(buckets.get(0).summary().delivered()).isEqualTo(2);
        assertThat(buckets.get(0).summary().p99()).contains(Duration.ofMillis(70));
        assertThat(buckets.get(1).start()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
        assertThat(buckets.get(1).summary().failed()).isEqualTo(1);
        assertThat(buckets.get(1).summary().successRate()).contains(0.0);
        assertThat(buckets.get(5).summary()).isEqualTo(DeliveryStats.Summary.NONE);
        assertThat(buckets.get(11).summary().p50()).contains(Duration.ofSeconds(2));
        assertThat(buckets.stream().mapToLong(b -> b.summary().delivered() + b.summary().failed()).sum()).isEqualTo(4);
    }

    @Test
    void aWindowNeedsAPositiveStep() {
        assertThatThrownBy(() -> DeliveryStats.buckets(List.of(), T0, Duration.ofMinutes(1), Duration.ofMinutes(5)))
            .isInstanceOf(IllegalArgumentException.class);
        assertThat(DeliveryStats.percentile(List.of(7L), 99)).isEqualTo(Optional.of(Duration.ofMillis(7)));
    }

    @Test
    void waitingIsCountedByStatusWithTheOldestAcceptanceAnUnknownOneLeftOut() {
        Map<String, DeliveryStats.Waiting> waiting = DeliveryStats.waitingByEndpoint(List.of(
            new DeliveryStats.WaitingMail("orders", "pending", T0.plusSeconds(30).toEpochMilli()),
            new DeliveryStats.WaitingMail("orders", "parked", T0.plusSeconds(10).toEpochMilli()),
            new DeliveryStats.WaitingMail("orders", "parked", 0),
            new DeliveryStats.WaitingMail("billing", "retrying", 0)));

        assertThat(waiting.keySet()).containsExactly("billing", "orders");
        assertThat(waiting.get("orders").count("parked")).isEqualTo(2);
        assertThat(waiting.get("orders").count("pending")).isEqualTo(1);
        assertThat(waiting.get("orders").count("retrying")).isZero();
        assertThat(waiting.get("orders").oldestAcceptedAt()).contains(T0.plusSeconds(10));
        assertThat(waiting.get("billing").oldestAcceptedAt()).isEmpty();
        assertThat(DeliveryStats.Waiting.NONE.count("pending")).isZero();
    }
}
