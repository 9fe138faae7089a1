package org.mailhook.disk;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Postfix's {@code queue_minfree} for Mailhook: whether the file system holding the server's data
 * directory has room for a new mail. Below {@code minFreeBytes} the guard <em>engages</em> (new mail
 * is refused with a 4xx, so senders retry instead of mail being lost on a full disk); it <em>lifts</em>
 * by itself once free space is back to {@code minFreeBytes} plus {@link #HYSTERESIS_DIVISOR 1/20th} of
 * it (the margin keeps a disk hovering at the threshold from flapping the guard, and the log, every
 * re-check).
 *
 * <p>{@link #reading()} reads the file system at most once per {@code recheck} (MAIL FROM stays a
 * field read); {@link #refresh()} always reads. Every transition is reported once to the
 * {@link Listener}, never once per refused mail. When the free space cannot be read the guard engages
 * too (fail closed: a 4xx is retried, a lost mail is not). {@code minFreeBytes} 0 turns refusing off;
 * readings still report the free space.
 */
public final class FreeSpaceGuard {
    /** Lift at {@code minFree + minFree / HYSTERESIS_DIVISOR}. */
    public static final int HYSTERESIS_DIVISOR = 20;

    /** The free-space source: usable bytes of one file system. */
    @FunctionalInterface
    public interface FreeSpace {
        long usableBytes() throws IOException;
    }

    /** Told once per transition, on the thread whose reading caused it. */
    public interface Listener {
        void engaged(Reading reading);

        void lifted(Reading reading);

        Listener NONE = new Listener() {
            @Override
            public void engaged(Reading reading) {
            }

            @Override
            public void lifted(Reading reading) {
            }
        };
    }

    /**
     * One reading: {@code freeBytes} is -1 when the file system could not be read ({@code error} says
     * why); {@code refusing} is the guard's state after this reading.
     */
    public record Reading(long freeBytes, long minFreeBytes, boolean refusing, Instant readAt, Optional<String> error) {
        /** The bare minimum at the end of DATA: half the threshold (by default one largest message + 32 MB). */
        public long floorBytes() {
            return minFreeBytes / 2;
        }

        public boolean belowFloor() {
            return minFreeBytes > 0 && (freeBytes < 0 || freeBytes < floorBytes());
        }

        /** Free bytes under twice the threshold: still accepting, but getting close. */
        public boolean low() {
            return minFreeBytes > 0 && (freeBytes < 0 || freeBytes < 2 * minFreeBytes);
        }
    }

    private final FreeSpace space;
    private final long minFreeBytes;
    private final long liftAtBytes;
    private final long recheckMillis;
    private final Clock clock;
    private final Listener listener;
    private volatile Reading last;
    private volatile long lastReadMillis;

    public FreeSpaceGuard(FreeSpace space, long minFreeBytes, Duration recheck, Clock clock, Listener listener) {
        if (minFreeBytes < 0) {
            throw new IllegalArgumentException("minFreeBytes must be 0 or more: " + minFreeBytes);
        }
        this.space = Objects.requireNonNull(space);
        this.minFreeBytes = minFreeBytes;
        this.liftAtBytes = minFreeBytes + minFreeBytes / HYSTERESIS_DIVISOR;
        this.recheckMillis = recheck.toMillis();
        this.clock = Objects.requireNonNull(clock);
        this.listener = Objects.requireNonNull(listener);
    }

    /** Added to twice the largest accepted message to make the default threshold. */
    public static final long DEFAULT_MARGIN_BYTES = 64L << 20;
    /** The default threshold when SMTP has no size cap (maxmessagesize 0): as for a 96 MB cap. */
    public static final long DEFAULT_WITHOUT_SIZE_CAP = 2 * (96L << 20) + DEFAULT_MARGIN_BYTES;

    /**
     * The default threshold: room for two of the largest messages SMTP accepts (one being received,
     * one being written to the spool) plus {@link #DEFAULT_MARGIN_BYTES} for queues, repositories and
     * logs. {@code maxMessageBytes} 0 means no cap.
     */
    public static long defaultMinFreeBytes(long maxMessageBytes) {
        return maxMessageBytes <= 0 ? DEFAULT_WITHOUT_SIZE_CAP : 2 * maxMessageBytes + DEFAULT_MARGIN_BYTES;
    }

    /** The usable space of the file system that holds {@code directory} (a {@link FileStore}). */
    public static FreeSpace fileStoreOf(Path directory) throws IOException {
        FileStore store = Files.getFileStore(directory);
        return store::getUsableSpace;
    }

    public long minFreeBytes() {
        return minFreeBytes;
    }

    /** The last reading, re-read when it is {@code recheck} old or older (or there is none). */
    public Reading reading() {
        Reading current = last;
        if (current != null && clock.millis() - lastReadMillis < recheckMillis) {
            return current;
        }
        synchronized (this) {
            current = last;
            if (current != null && clock.millis() - lastReadMillis < recheckMillis) {
                return current;
            }
            return read();
        }
    }

    /** Reads the file system now. */
    public synchronized Reading refresh() {
        return read();
    }

    /** Whether a new mail may start (MAIL FROM): the cached reading is not refusing. */
    public boolean admits() {
        return !reading().refusing();
    }

    private Reading read() {
        long now = clock.millis();
        long free;
        Optional<String> error = Optional.empty();
        try {
            free = space.usableBytes();
        } catch (IOException | RuntimeException e) {
            free = -1;
            error = Optional.of(String.valueOf(e.getMessage() == null ? e.toString() : e.getMessage()));
        }
        boolean wasRefusing = last != null && last.refusing();
        boolean refusing;
        if (minFreeBytes == 0) {
            refusing = false;
        } else if (free < 0) {
            refusing = true;
        } else if (wasRefusing) {
            refusing = free < liftAtBytes;
        } else {
            refusing = free < minFreeBytes;
        }
        Reading reading = new Reading(free, minFreeBytes, refusing, Instant.ofEpochMilli(now), error);
        last = reading;
        lastReadMillis = now;
        if (refusing && !wasRefusing) {
            listener.engaged(reading);
        } else if (!refusing && wasRefusing) {
            listener.lifted(reading);
        }
        return reading;
    }
}
