package org.mailhook.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Health figures of webhook deliveries, from what finished: acknowledged deliveries (their accept → ack
 * latency) and dead letters, and from what still waits (pending, retrying, parked). A success rate is delivered of finished; a latency percentile is the
 * nearest-rank one of the acknowledged deliveries' accept → ack times. No James types.
 */
public final class DeliveryStats {
    private DeliveryStats() {
    }

    /**
     * One finished delivery.
     *
     * @param finishedAt when it was acknowledged, or when it died
     * @param delivered  acknowledged (2xx), else dead-lettered
     */
    public record Outcome(String endpoint, Instant acceptedAt, Instant finishedAt, boolean delivered) {
        public Duration latency() {
            return Duration.between(acceptedAt, finishedAt).isNegative() ? Duration.ZERO : Duration.between(acceptedAt, finishedAt);
        }
    }

    /** Delivered and failed counts and accept → ack percentiles (empty with nothing delivered). */
    public record Summary(long delivered, long failed, Optional<Duration> p50, Optional<Duration> p99) {
        public static final Summary NONE = new Summary(0, 0, Optional.empty(), Optional.empty());

        /** Delivered of finished, 0..1, or empty when nothing finished. */
        public Optional<Double> successRate() {
            long finished = delivered + failed;
            return finished == 0 ? Optional.empty() : Optional.of((double) delivered / finished);
        }
    }

    /** A time bucket {@code [start, start + step)} and what finished in it. */
    public record Bucket(Instant start, Summary summary) {
    }

    public static Summary summarize(Collection<Outcome> outcomes) {
        List<Long> latencies = new ArrayList<>();
        long failed = 0;
        for (Outcome outcome : outcomes) {
            if (outcome.delivered()) {
                latencies.add(outcome.latency().toMillis());
            } else {
                failed++;
            }
        }
        latencies.sort(null);
        return new Summary(latencies.size(), failed, percentile(latencies, 50), percentile(latencies, 99));
    }

    /** The summary of each endpoint, by name. */
    public static Map<String, Summary> byEndpoint(Collection<Outcome> outcomes) {
        Map<String, List<Outcome>> grouped = new TreeMap<>();
        outcomes.forEach(o -> grouped.computeIfAbsent(o.endpoint(), name -> new ArrayList<>()).add(o));
        Map<String, Summary> summaries = new TreeMap<>();
        grouped.forEach((name, list) -> summaries.put(name, summarize(list)));
        return summaries;
    }

    /**
     * The outcomes that finished in {@code [end - window, end)}, in buckets of {@code step} (oldest first; the
     * window is a whole number of steps), each bucket with its summary (empty buckets included).
     */
    public static List<Bucket> buckets(Collection<Outcome> outcomes, Instant end, Duration window, Duration step) {
        if (step.isZero() || step.isNegative() || window.compareTo(step) < 0) {
            throw new IllegalArgumentException("the window must hold at least one positive step");
        }
        int count = (int) (window.toMillis() / step.toMillis());
        Instant start = end.minus(step.multipliedBy(count));
        List<List<Outcome>> grouped = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            grouped.add(new ArrayList<>());
        }
        for (Outcome outcome : outcomes) {
            if (!outcome.finishedAt().isBefore(start) && outcome.finishedAt().isBefore(end)) {
                grouped.get((int) (Duration.between(start, outcome.finishedAt()).toMillis() / step.toMillis())).add(outcome);
            }
        }
        List<Bucket> buckets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            buckets.add(new Bucket(start.plus(step.multipliedBy(i)), summarize(grouped.get(i))));
        }
        return buckets;
    }

    /** One mail still waiting for an endpoint: {@code status} is pending, retrying or parked; accepted at 0 when unknown. */
    public record WaitingMail(String endpoint, String status, long acceptedAtMillis) {
    }

    /** What waits for one endpoint: the count by status and when the oldest of them was accepted (if known). */
    public record Waiting(Map<String, Integer> counts, Optional<Instant> oldestAcceptedAt) {
        public static final Waiting NONE = new Waiting(Map.of(), Optional.empty());

        public int count(String status) {
            return counts.getOrDefault(status, 0);
        }
    }

    /** What waits for each endpoint, by name. */
    public static Map<String, Waiting> waitingByEndpoint(Collection<WaitingMail> mails) {
        Map<String, Map<String, Integer>> counts = new TreeMap<>();
        Map<String, Long> oldest = new TreeMap<>();
        for (WaitingMail mail : mails) {
            counts.computeIfAbsent(mail.endpoint(), name -> new TreeMap<>()).merge(mail.status(), 1, Integer::sum);
            if (mail.acceptedAtMillis() > 0) {
                oldest.merge(mail.endpoint(), mail.acceptedAtMillis(), Math::min);
            }
        }
        Map<String, Waiting> waiting = new TreeMap<>();
        counts.forEach((name, byStatus) -> waiting.put(name,
            new Waiting(Map.copyOf(byStatus), Optional.ofNullable(oldest.get(name)).map(Instant::ofEpochMilli))));
        return waiting;
    }

    /** The nearest-rank percentile of sorted millisecond values. */
    static Optional<Duration> percentile(List<Long> sortedMillis, int percent) {
        if (sortedMillis.isEmpty()) {
            return Optional.empty();
        }
        int rank = (int) Math.ceil(percent / 100.0 * sortedMillis.size());
        return Optional.of(Duration.ofMillis(sortedMillis.get(Math.max(0, rank - 1))));
    }
}
