package org.mailhook.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.testing.MutableClock;

class FreeSpaceGuardTest {
    private static final long MB = 1024 * 1024;
    private static final long MIN = 100 * MB;

    /** A file system whose free space the test sets; counts reads; may fail. */
    static final class FakeSpace implements FreeSpaceGuard.FreeSpace {
        final AtomicLong free = new AtomicLong();
        final AtomicInteger reads = new AtomicInteger();
        volatile IOException failure;

        FakeSpace(long free) {
            this.free.set(free);
        }

        @Override
        public long usableBytes() throws IOException {
            reads.incrementAndGet();
            if (failure != null) {
                throw failure;
            }
            return free.get();
        }
    }

    static final class Transitions implements FreeSpaceGuard.Listener {
        final List<String> events = new ArrayList<>();

        @Override
        public synchronized void engaged(FreeSpaceGuard.Reading reading) {
            events.add("engaged free=" + reading.freeBytes());
        }

        @Override
        public synchronized void lifted(FreeSpaceGuard.Reading reading) {
            events.add("lifted free=" + reading.freeBytes());
        }
    }

    private final MutableClock clock = new MutableClock(Instant.ofEpochMilli(1_700_000_000_000L));
    private final Transitions transitions = new Transitions();

    private FreeSpaceGuard guard(FakeSpace space, long minFree) {
        return new FreeSpaceGuard(space, minFree, Duration.ofSeconds(1), clock, transitions);
    }

    @Test
    void admitsAboveTheThresholdAndRefusesBelowIt() {
        FakeSpace space = new FakeSpace(MIN);
        FreeSpaceGuard guard = guard(space, MIN);
        assertThat(guard.admits()).isTrue();
        assertThat(transitions.events).isEmpty();

        space.free.set(MIN - 1);
        clock.advance(Duration.ofSeconds(1));
        FreeSpaceGuard.Reading reading = guard.reading();
        assertThat(reading.refusing()).isTrue();
        assertThat(reading.freeBytes()).isEqualTo(MIN - 1);
        assertThat(reading.minFreeBytes()).isEqualTo(MIN);
        assertThat(guard.admits()).isFalse();
        assertThat(transitions.events).containsExactly("engaged free=" + (MIN - 1));
    }

    @Test
    void readsTheFileSystemAtMostOncePerRecheckInterval() {
        FakeSpace space = new FakeSpace(10 * MIN);
        FreeSpaceGuard guard = guard(space, MIN);
        for (int i = 0; i < 1000; i++) {
            guard.admits();
        }
        assertThat(space.reads).hasValue(1);

        // A drop is seen only at the next re-check.
        space.free.set(0);
        clock.advance(Duration.ofMillis(999));
        assertThat(guard.admits()).isTrue();
        assertThat(space.reads).hasValue(1);
        clock.advance(Duration.ofMillis(1));
        assertThat(guard.admits()).isFalse();
        assertThat(space.reads).hasValue(2);

        // refresh() always reads.
        guard.refresh();
        guard.refresh();
        assertThat(space.reads).hasValue(4);
    }

    @Test
    void concurrentCallersShareOneRead() throws Exception {
        FakeSpace space = new FakeSpace(10 * MIN);
        FreeSpaceGuard guard = guard(space, MIN);
        guard.admits();
        clock.advance(Duration.ofSeconds(2));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        try {
            for (int t = 0; t < 8; t++) {
                pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 10_000; i++) {
                        guard.admits();
                    }
                    return null;
                });
            }
            start.countDown();
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.shutdownNow();
        }
        assertThat(space.reads).hasValue(2);
    }

    @Test
    void reportsEachTransitionOnceNotEachRefusal() {
        FakeSpace space = new FakeSpace(MIN / 2);
        FreeSpaceGuard guard = guard(space, MIN);
        for (int i = 0; i < 50; i++) {
            assertThat(guard.admits()).isFalse();
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(transitions.events).containsExactly("engaged free=" + MIN / 2);

        space.free.set(10 * MIN);
        for (int i = 0; i < 50; i++) {
            assertThat(guard.admits()).isTrue();
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(transitions.events).containsExactly("engaged free=" + MIN / 2, "lifted free=" + 10 * MIN);
    }

    @Test
    void liftsOnlyOnceFreeSpaceIsBackAboveTheThresholdPlusAMargin() {
        FakeSpace space = new FakeSpace(MIN - 1);
        FreeSpaceGuard guard = guard(space, MIN);
        assertThat(guard.admits()).isFalse();

        long liftAt = MIN + MIN / FreeSpaceGuard.HYSTERESIS_DIVISOR;
        space.free.set(MIN);
        assertThat(guard.refresh().refusing()).as("at the threshold, still engaged").isTrue();
        space.free.set(liftAt - 1);
        assertThat(guard.refresh().refusing()).isTrue();
        space.free.set(liftAt);
        assertThat(guard.refresh().refusing()).isFalse();
        // Once lifted, it engages again only below the threshold itself.
        space.free.set(MIN);
        assertThat(guard.refresh().refusing()).isFalse();
        space.free.set(MIN - 1);
        assertThat(guard.refresh().refusing()).isTrue();
        assertThat(transitions.events).containsExactly(
            "engaged free=" + (MIN - 1), "lifted free=" + liftAt, "engaged free=" + (MIN - 1));
    }

    @Test
    void anUnreadableFileSystemRefusesAndSaysWhy() {
        FakeSpace space = new FakeSpace(10 * MIN);
        space.failure = new IOException("Input/output error");
        FreeSpaceGuard guard = guard(space, MIN);
        FreeSpaceGuard.Reading reading = guard.reading();
        assertThat(reading.refusing()).isTrue();
        assertThat(reading.freeBytes()).isEqualTo(-1);
        assertThat(reading.error()).contains("Input/output error");
        assertThat(reading.belowFloor()).isTrue();
        assertThat(transitions.events).containsExactly("engaged free=-1");

        space.failure = null;
        clock.advance(Duration.ofSeconds(1));
        assertThat(guard.admits()).isTrue();
        assertThat(guard.reading().error()).isEmpty();
        assertThat(transitions.events).containsExactly("engaged free=-1", "lifted free=" + 10 * MIN);
    }

    @Test
    void zeroTurnsRefusingOffButStillReportsFreeSpace() {
        FakeSpace space = new FakeSpace(0);
        FreeSpaceGuard guard = guard(space, 0);
        assertThat(guard.admits()).isTrue();
        FreeSpaceGuard.Reading reading = guard.refresh();
        assertThat(reading.freeBytes()).isZero();
        assertThat(reading.belowFloor()).isFalse();
        assertThat(reading.low()).isFalse();
        assertThat(transitions.events).isEmpty();
    }

    @Test
    void theFloorIsHalfTheThresholdAndLowIsUnderTwiceIt() {
        FakeSpace space = new FakeSpace(MIN / 2);
        FreeSpaceGuard guard = guard(space, MIN);
        FreeSpaceGuard.Reading atFloor = guard.refresh();
        assertThat(atFloor.floorBytes()).isEqualTo(MIN / 2);
        assertThat(atFloor.belowFloor()).isFalse();
        space.free.set(MIN / 2 - 1);
        assertThat(guard.refresh().belowFloor()).isTrue();

        space.free.set(2 * MIN - 1);
        FreeSpaceGuard.Reading low = guard.refresh();
        assertThat(low.refusing()).isFalse();
        assertThat(low.low()).isTrue();
        space.free.set(2 * MIN);
        assertThat(guard.refresh().low()).isFalse();
    }

    @Test
    void negativeThresholdIsRefused() {
        assertThatThrownBy(() -> guard(new FakeSpace(0), -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theDefaultIsTwiceTheLargestMessagePlusAMargin() {
        // The shipped maxmessagesize, 25600 KB: 2 x 25 MB + 64 MB.
        assertThat(FreeSpaceGuard.defaultMinFreeBytes(25600L * 1024)).isEqualTo(114 * MB);
        assertThat(FreeSpaceGuard.defaultMinFreeBytes(0)).isEqualTo(256 * MB);
    }

    @Test
    void readsARealFileStore(@TempDir Path dir) throws Exception {
        FreeSpaceGuard guard = new FreeSpaceGuard(FreeSpaceGuard.fileStoreOf(dir), 1, Duration.ofSeconds(1), Clock.systemUTC(),
            FreeSpaceGuard.Listener.NONE);
        FreeSpaceGuard.Reading reading = guard.reading();
        assertThat(reading.freeBytes()).isPositive();
        assertThat(reading.error()).isEmpty();
        assertThat(reading.refusing()).isFalse();
    }
}
