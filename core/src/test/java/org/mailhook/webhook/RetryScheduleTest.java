package org.mailhook.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.Test;

class RetryScheduleTest {
    /** Always draws the top of the range, so jittered delays equal their nominal value. */
    private static final RandomGenerator HIGHEST = new RandomGenerator() {
        @Override
        public long nextLong() {
            return Long.MAX_VALUE;
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    };
    private static final RandomGenerator LOWEST = new RandomGenerator() {
        @Override
        public long nextLong() {
            return 0;
        }

        @Override
        public long nextLong(long bound) {
            return 0;
        }
    };

    @Test
    void standardIsTheStandardWebhooksTable() {
        RetrySchedule schedule = RetrySchedule.parse("standard").withJitter(RetrySchedule.Jitter.NONE);
        List<Duration> delays = drain(schedule);
        assertThat(delays).containsExactly(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(30),
            Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(14), Duration.ofHours(20),
            Duration.ofHours(24));
        assertThat(schedule.maxAttempts()).isEqualTo(10);
        // The spec's "time since start" column ends at 75:35:05.
        assertThat(delays.stream().reduce(Duration.ZERO, Duration::plus)).isEqualTo(Duration.parse("PT75H35M5S"));
    }

    @Test
    void theBudgetIsMaxAgeOrTheSumOfTheNominalDelays() {
        assertThat(RetrySchedule.parse("standard").budget()).isEqualTo(Duration.ofMinutes(75 * 60 + 35).plusSeconds(5));
        assertThat(RetrySchedule.parse("5s, 1m, 4m, 10m").budget()).isEqualTo(Duration.ofSeconds(5 + 60 + 240 + 600));
        assertThat(RetrySchedule.parse("2*1s").withMaxAttempts(5).budget()).isEqualTo(Duration.ofSeconds(4));
        assertThat(RetrySchedule.parse("standard").withMaxAge(Duration.ofDays(3)).budget()).isEqualTo(Duration.ofDays(3));
    }

    @Test
    void jamesStyleRepeatsExpand() {
        RetrySchedule schedule = RetrySchedule.parse("5*5s, 3 * 5 minutes, 10*1h").withJitter(RetrySchedule.Jitter.NONE);
        List<Duration> delays = drain(schedule);
        assertThat(delays).hasSize(18);
        assertThat(delays.subList(0, 5)).containsOnly(Duration.ofSeconds(5));
        assertThat(delays.subList(5, 8)).containsOnly(Duration.ofMinutes(5));
        assertThat(delays.subList(8, 18)).containsOnly(Duration.ofHours(1));
        assertThat(schedule.maxAttempts()).isEqualTo(19);
    }

    @Test
    void plainListAndLastDelayRepeatsWhenMoreAttemptsAreAllowed() {
        RetrySchedule schedule = RetrySchedule.parse("5s, 5m, 30m, 2h").withJitter(RetrySchedule.Jitter.NONE)
            .withMaxAttempts(7);
        assertThat(drain(schedule)).containsExactly(Duration.ofSeconds(5), Duration.ofMinutes(5),
            Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(2), Duration.ofHours(2));
    }

    @Test
    void badTokensAreNamed() {
        assertThatThrownBy(() -> RetrySchedule.parse("5*5s, 3*5x, 10*1h"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'3*5x'");
        assertThatThrownBy(() -> RetrySchedule.parse("5s,,5m"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("''");
        assertThatThrownBy(() -> RetrySchedule.parse("0*5s")).hasMessageContaining("'0*5s'");
        assertThatThrownBy(() -> RetrySchedule.parse("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetrySchedule.parse("exponential(1h, 5s)")).hasMessageContaining("cap");
        assertThatThrownBy(() -> RetrySchedule.fromParameters(Map.of("maxAttempts", "ten")::get))
            .hasMessageStartingWith("maxAttempts");
        assertThatThrownBy(() -> RetrySchedule.fromParameters(Map.of("jitter", "some")::get))
            .hasMessageStartingWith("jitter");
        assertThatThrownBy(() -> RetrySchedule.fromParameters(Map.of("delays", "5q")::get))
            .hasMessageStartingWith("delays").hasMessageContaining("'5q'");
    }

    @Test
    void exponentialDoublesUpToTheCapWithFullJitter() {
        RetrySchedule nominal = RetrySchedule.parse("exponential(5s, 1m)").withMaxAttempts(6)
            .withJitter(RetrySchedule.Jitter.NONE);
        assertThat(drain(nominal)).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(20), Duration.ofSeconds(40), Duration.ofMinutes(1));
        RetrySchedule jittered = RetrySchedule.parse("exponential(5s, 1m)").withMaxAttempts(6);
        assertThat(jittered.jitter()).isEqualTo(RetrySchedule.Jitter.FULL);
        assertThat(drain(jittered.withRandom(LOWEST))).containsOnly(Duration.ZERO);
        assertThat(drain(jittered.withRandom(HIGHEST))).isEqualTo(drain(nominal));
    }

    @Test
    void fullJitterSpreadsUniformlyOverZeroToTheDelay() {
        RetrySchedule schedule = RetrySchedule.parse("exponential(10s, 10s)").withRandom(new SplittableRandom(42));
        long sum = 0;
        long min = Long.MAX_VALUE;
        long max = 0;
        int draws = 10_000;
        for (int i = 0; i < draws; i++) {
            long millis = schedule.nextDelay(1, Duration.ZERO, Optional.empty()).orElseThrow().toMillis();
            sum += millis;
            min = Math.min(min, millis);
            max = Math.max(max, millis);
        }
        assertThat(min).isBetween(0L, 100L);
        assertThat(max).isBetween(9_900L, 10_000L);
        assertThat(sum / draws).isBetween(4_800L, 5_200L);
    }

    @Test
    void equalJitterKeepsAtLeastHalfOfATableDelay() {
        RetrySchedule schedule = RetrySchedule.parse("10s");
        assertThat(schedule.jitter()).isEqualTo(RetrySchedule.Jitter.EQUAL);
        assertThat(schedule.withRandom(LOWEST).nextDelay(1, Duration.ZERO, Optional.empty())).contains(Duration.ofSeconds(5));
        assertThat(schedule.withRandom(HIGHEST).nextDelay(1, Duration.ZERO, Optional.empty())).contains(Duration.ofSeconds(10));
    }

    @Test
    void retryAfterIsHonouredButCappedAndNeverShortensTheSchedule() {
        RetrySchedule schedule = RetrySchedule.parse("1m").withJitter(RetrySchedule.Jitter.NONE).withMaxAttempts(5)
            .withRetryAfterCap(Duration.ofMinutes(10));
        assertThat(schedule.nextDelay(1, Duration.ZERO, Optional.of(Duration.ofMinutes(3)))).contains(Duration.ofMinutes(3));
        assertThat(schedule.nextDelay(1, Duration.ZERO, Optional.of(Duration.ofHours(5)))).contains(Duration.ofMinutes(10));
        assertThat(schedule.nextDelay(1, Duration.ZERO, Optional.of(Duration.ofSeconds(1)))).contains(Duration.ofMinutes(1));
    }

    @Test
    void maxAgeEndsTheSchedule() {
        RetrySchedule schedule = RetrySchedule.parse("standard").withJitter(RetrySchedule.Jitter.NONE)
            .withMaxAge(Duration.ofHours(1));
        assertThat(schedule.nextDelay(3, Duration.ofMinutes(5).plusSeconds(5), Optional.empty())).contains(Duration.ofMinutes(30));
        assertThat(schedule.nextDelay(4, Duration.ofMinutes(35).plusSeconds(5), Optional.empty())).isEmpty();
    }

    @Test
    void parametersConfigureEverything() {
        Map<String, String> parameters = new HashMap<>();
        parameters.put("delays", "3*10s");
        parameters.put("maxAttempts", "6");
        parameters.put("maxAge", "1h");
        parameters.put("jitter", "none");
        parameters.put("retryAfterCap", "2m");
        RetrySchedule schedule = RetrySchedule.fromParameters(parameters::get);
        assertThat(schedule.toString()).isEqualTo("10s, 10s, 10s maxAttempts=6 maxAge=1h jitter=none retryAfterCap=2m");
        assertThat(RetrySchedule.fromParameters(key -> null).toString())
            .isEqualTo("standard maxAttempts=10 jitter=equal retryAfterCap=1h");
    }

    private static List<Duration> drain(RetrySchedule schedule) {
        List<Duration> delays = new ArrayList<>();
        Duration age = Duration.ZERO;
        for (int attempts = 1; ; attempts++) {
            Optional<Duration> next = schedule.nextDelay(attempts, age, Optional.empty());
            if (next.isEmpty()) {
                return delays;
            }
            delays.add(next.get());
            age = age.plus(next.get());
        }
    }
}
