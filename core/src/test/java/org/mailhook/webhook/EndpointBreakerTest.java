package org.mailhook.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.mailhook.webhook.EndpointBreaker.Signal;
import org.mailhook.webhook.EndpointBreaker.State;
import org.mailhook.testing.MutableClock;

class EndpointBreakerTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final EndpointBreaker breaker = new EndpointBreaker(EndpointBreaker.Settings.DEFAULT, clock);

    private void fail(String endpoint, int times) {
        for (int i = 0; i < times; i++) {
            breaker.record(endpoint, Signal.DOWN, false);
        }
    }

    @Test
    void opensAfterFiveConsecutiveFailuresOnly() {
        fail("orders", 4);
        assertThat(breaker.state("orders")).isEqualTo(State.CLOSED);
        breaker.record("orders", Signal.UP, false);
        fail("orders", 4);
        assertThat(breaker.allowsSending("orders")).isTrue();
        fail("orders", 1);
        assertThat(breaker.state("orders")).isEqualTo(State.OPEN);
        assertThat(breaker.allowsSending("orders")).isFalse();
        assertThat(breaker.openedAt("orders")).contains(clock.millis());
        assertThat(breaker.timesOpened("orders")).isEqualTo(1);
        // Other endpoints are not affected.
        assertThat(breaker.state("support")).isEqualTo(State.CLOSED);
        assertThat(breaker.known()).containsExactly("orders");
    }

    @Test
    void aPermanentAnswerShowsTheEndpointIsUpAndARefusedRequestSaysNothing() {
        fail("orders", 4);
        breaker.record("orders", Signal.of(result(400)), false);
        fail("orders", 4);
        assertThat(breaker.state("orders")).isEqualTo(State.CLOSED);
        breaker.record("orders", Signal.of(refusedBySsrfGuard()), false);
        assertThat(breaker.state("orders")).isEqualTo(State.CLOSED);
        breaker.record("orders", Signal.of(result(503)), false);
        assertThat(breaker.state("orders")).isEqualTo(State.OPEN);

        assertThat(Signal.of(result(204))).isEqualTo(Signal.UP);
        assertThat(Signal.of(result(410))).isEqualTo(Signal.UP);
        assertThat(Signal.of(result(302))).isEqualTo(Signal.UP);
        assertThat(Signal.of(result(429))).isEqualTo(Signal.DOWN);
        assertThat(Signal.of(result(408))).isEqualTo(Signal.DOWN);
        assertThat(Signal.of(result(0))).isEqualTo(Signal.DOWN);
    }

    @Test
    void probesOneAtATimeWithABackoffToTheCapThenCloses() {
        fail("orders", 5);
        List<Long> probeWaits = new ArrayList<>();
        for (int probe = 0; probe < 7; probe++) {
            long waited = 0;
            while (!breaker.tryStartProbe("orders")) {
                assertThat(breaker.state("orders")).isEqualTo(State.OPEN);
                clock.advance(Duration.ofMillis(100));
                waited += 100;
            }
            probeWaits.add(waited);
            assertThat(breaker.state("orders")).isEqualTo(State.PROBING);
            // Only one probe at a time, and nothing else is sent meanwhile.
            assertThat(breaker.tryStartProbe("orders")).isFalse();
            assertThat(breaker.allowsSending("orders")).isFalse();
            assertThat(breaker.record("orders", Signal.DOWN, true)).isEqualTo(State.OPEN);
        }
        assertThat(probeWaits).containsExactly(2000L, 4000L, 8000L, 16000L, 30000L, 30000L, 30000L);

        clock.advance(Duration.ofSeconds(30));
        assertThat(breaker.tryStartProbe("orders")).isTrue();
        assertThat(breaker.record("orders", Signal.UP, true)).isEqualTo(State.CLOSED);
        assertThat(breaker.allowsSending("orders")).isTrue();
        assertThat(breaker.openedAt("orders")).isEmpty();

        // A new outage starts again from the first probe wait and the full failure count.
        fail("orders", 4);
        assertThat(breaker.state("orders")).isEqualTo(State.CLOSED);
        fail("orders", 1);
        assertThat(breaker.untilProbe("orders")).isEqualTo(Duration.ofSeconds(2));
        assertThat(breaker.timesOpened("orders")).isEqualTo(2);
    }

    @Test
    void lateAnswersOfAttemptsStartedBeforeOpeningDoNotExtendTheOutage() {
        fail("orders", 5);
        // Requests in flight when it opened fail later: no effect on the probe schedule.
        fail("orders", 3);
        assertThat(breaker.untilProbe("orders")).isEqualTo(Duration.ofSeconds(2));
        // One that succeeds late proves the endpoint is up.
        breaker.record("orders", Signal.UP, false);
        assertThat(breaker.state("orders")).isEqualTo(State.CLOSED);
    }

    @Test
    void aCancelledOrInconclusiveProbeLetsTheNextOneStartAtOnce() {
        fail("orders", 5);
        clock.advance(Duration.ofSeconds(2));
        assertThat(breaker.tryStartProbe("orders")).isTrue();
        breaker.cancelProbe("orders");
        assertThat(breaker.state("orders")).isEqualTo(State.OPEN);
        assertThat(breaker.tryStartProbe("orders")).isTrue();
        breaker.record("orders", Signal.NONE, true);
        assertThat(breaker.state("orders")).isEqualTo(State.OPEN);
        assertThat(breaker.untilProbe("orders")).isZero();
    }

    @Test
    void restoredOpenProbesAtOnce() {
        breaker.restoreOpen("orders");
        assertThat(breaker.state("orders")).isEqualTo(State.OPEN);
        assertThat(breaker.tryStartProbe("orders")).isTrue();
        breaker.record("orders", Signal.DOWN, true);
        assertThat(breaker.untilProbe("orders")).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void offNeverOpens() {
        EndpointBreaker off = new EndpointBreaker(EndpointBreaker.Settings.OFF, clock);
        for (int i = 0; i < 100; i++) {
            off.record("orders", Signal.DOWN, false);
        }
        off.restoreOpen("orders");
        assertThat(off.allowsSending("orders")).isTrue();
        assertThat(off.tryStartProbe("orders")).isFalse();
    }

    @Test
    void concurrentCallersGetOneProbe() throws Exception {
        fail("orders", 5);
        clock.advance(Duration.ofSeconds(2));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger probes = new AtomicInteger();
        try {
            for (int i = 0; i < 8; i++) {
                pool.submit(() -> {
                    start.await();
                    if (breaker.tryStartProbe("orders")) {
                        probes.incrementAndGet();
                    }
                    return null;
                });
            }
            start.countDown();
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(probes).hasValue(1);
    }

    @Test
    void settingsFromParameters() {
        Map<String, String> given = Map.of("breakerFailures", "3", "breakerProbe", "1s..1m");
        EndpointBreaker.Settings settings = EndpointBreaker.Settings.fromParameters(given::get);
        assertThat(settings).isEqualTo(new EndpointBreaker.Settings(3, Duration.ofSeconds(1), Duration.ofMinutes(1)));
        assertThat(EndpointBreaker.Settings.fromParameters(name -> null)).isEqualTo(EndpointBreaker.Settings.DEFAULT);
        assertThat(EndpointBreaker.Settings.fromParameters(Map.of("breakerFailures", "0")::get).enabled()).isFalse();
        assertThatThrownBy(() -> EndpointBreaker.Settings.fromParameters(Map.of("breakerProbe", "30s..2s")::get))
            .hasMessageStartingWith("breakerProbe:");
        assertThatThrownBy(() -> EndpointBreaker.Settings.fromParameters(Map.of("breakerProbe", "2s")::get))
            .hasMessageStartingWith("breakerProbe:");
        assertThatThrownBy(() -> EndpointBreaker.Settings.fromParameters(Map.of("breakerFailures", "x")::get))
            .hasMessageStartingWith("breakerFailures:");
    }

    private static AttemptResult result(int status) {
        return new AttemptResult(Instant.EPOCH, status, Duration.ZERO, Optional.empty(),
            status == 0 ? DeliveryOutcome.RETRY : DeliveryOutcome.forStatus(status), Optional.empty());
    }

    private static AttemptResult refusedBySsrfGuard() {
        return new AttemptResult(Instant.EPOCH, 0, Duration.ZERO, Optional.of("refused"), DeliveryOutcome.PERMANENT_FAILURE, Optional.empty());
    }
}
