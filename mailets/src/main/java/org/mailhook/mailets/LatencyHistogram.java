package org.mailhook.mailets;

import java.time.Duration;
import java.util.List;

import org.apache.james.metrics.api.MetricFactory;
import org.mailhook.config.Durations;

/**
 * A Prometheus-style cumulative histogram made of James counters: {@code <prefix>le_<bound>},
 * {@code <prefix>le_inf}, {@code <prefix>count} and {@code <prefix>sum_ms}. James' timers can only time
 * a call while it runs; this records a latency measured elsewhere (across queues and restarts).
 */
public final class LatencyHistogram {
    public static final List<Duration> BOUNDS = List.of(Duration.ofMillis(250), Duration.ofSeconds(1),
        Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5),
        Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(24));

    private final MetricFactory factory;
    private final String prefix;

    public LatencyHistogram(MetricFactory factory, String prefix) {
        this.factory = factory;
        this.prefix = prefix;
    }

    public void record(Duration latency) {
        for (Duration bound : BOUNDS) {
            if (latency.compareTo(bound) <= 0) {
                factory.generate(prefix + "le_" + Durations.format(bound)).increment();
            }
        }
        factory.generate(prefix + "le_inf").increment();
        factory.generate(prefix + "count").increment();
        factory.generate(prefix + "sum_ms").add((int) Math.min(Integer.MAX_VALUE, latency.toMillis()));
    }
}
