package org.mailhook.webhook;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Caps the deliveries in flight per endpoint ({@link Endpoint#maxConcurrent()}) and per endpoint host,
 * so that a slow or dead endpoint holds at most that many consumer threads and the others keep flowing.
 * The host cap matters when many endpoints share one host (instant addresses minted for one receiver,
 * each an endpoint of its own): in flight to one {@code scheme://host:port} stay below
 * {@code max(perHost, the endpoint's maxConcurrent)}, so an endpoint configured for more than the host
 * default keeps its own limit, while a hundred instant addresses on one hanging host cannot take more
 * than {@code perHost} threads together.
 *
 * <p>A consumer waits a moment for a permit (a busy fast endpoint frees one within milliseconds) and,
 * failing that, puts the mail back with a short delay rather than hold its thread: requeued mail goes to
 * the back of the queue, so requeueing at once under load would reorder mail and starve the unlucky ones.
 * When the requests that hold the slots have run longer than {@link #SLOW}, the endpoint is slow (or
 * hanging), not busy: the consumer does not wait at all and puts the mail back for longer
 * ({@link #busyFor}), so mail for a hanging endpoint does not keep the consumers busy waiting.
 */
public final class EndpointLimiter {
    /** The host cap when none is given: the default {@link Endpoint#maxConcurrent()}. */
    public static final int DEFAULT_PER_HOST = Endpoint.DEFAULT_MAX_CONCURRENT;

    /** A held slot; closing it gives the slot back (once). */
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    /** In-flight requests older than this make an endpoint slow rather than busy: waiting for a slot is pointless. */
    public static final Duration SLOW = Duration.ofSeconds(1);

    private final int perHost;
    private final LongSupplier nanoTime;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    /** Start times (nanoTime) of the requests in flight, per endpoint name and per host. */
    private final Map<String, List<Long>> byEndpoint = new HashMap<>();
    private final Map<String, List<Long>> byHost = new HashMap<>();

    public EndpointLimiter() {
        this(DEFAULT_PER_HOST);
    }

    public EndpointLimiter(int perHost) {
        this(perHost, System::nanoTime);
    }

    /** @param nanoTime the monotonic clock (tests pin it) */
    public EndpointLimiter(int perHost, LongSupplier nanoTime) {
        if (perHost < 1) {
            throw new IllegalArgumentException("hostConcurrency: must be at least 1, got " + perHost);
        }
        this.perHost = perHost;
        this.nanoTime = nanoTime;
    }

    /** The host key: scheme, host and port. */
    static String hostOf(Endpoint endpoint) {
        return endpoint.url().scheme() + "://" + endpoint.url().host() + ":" + endpoint.url().port();
    }

    /**
     * @return a permit, or empty when the endpoint or its host still has its maximum in flight after
     *     {@code wait}; at once when those requests are {@linkplain #busyFor slow}: a slot would not free up in time,
     *     and a consumer waiting for a hanging endpoint is a consumer taken from the others
     */
    public Optional<Permit> tryAcquire(Endpoint endpoint, Duration wait) throws InterruptedException {
        String name = endpoint.name();
        String host = hostOf(endpoint);
        long remaining = wait.toNanos();
        long started;
        lock.lockInterruptibly();
        try {
            // A reload that changes an endpoint's limit applies to the next acquisition.
            while (!hasRoom(endpoint, name, host)) {
                if (remaining <= 0 || blockedFor(endpoint, name, host).compareTo(SLOW) > 0) {
                    return Optional.empty();
                }
                remaining = released.awaitNanos(remaining);
            }
            started = nanoTime.getAsLong();
            byEndpoint.computeIfAbsent(name, key -> new ArrayList<>()).add(started);
            byHost.computeIfAbsent(host, key -> new ArrayList<>()).add(started);
        } finally {
            lock.unlock();
        }
        return Optional.of(new Permit() {
            private boolean closed;

            @Override
            public synchronized void close() {
                if (!closed) {
                    closed = true;
                    release(name, host, started);
                }
            }
        });
    }

    private boolean hasRoom(Endpoint endpoint, String name, String host) {
        return count(byEndpoint, name) < endpoint.maxConcurrent() && count(byHost, host) < Math.max(perHost, endpoint.maxConcurrent());
    }

    /** How long the youngest of the requests that fill the endpoint's (or else its host's) slots has been running. */
    private Duration blockedFor(Endpoint endpoint, String name, String host) {
        List<Long> blocking = count(byEndpoint, name) >= endpoint.maxConcurrent() ? byEndpoint.get(name) : byHost.get(host);
        if (blocking == null || blocking.isEmpty()) {
            return Duration.ZERO;
        }
        long youngest = blocking.stream().mapToLong(Long::longValue).max().orElseThrow();
        return Duration.ofNanos(Math.max(0, nanoTime.getAsLong() - youngest));
    }

    private static int count(Map<String, List<Long>> inFlight, String key) {
        List<Long> started = inFlight.get(key);
        return started == null ? 0 : started.size();
    }

    private void release(String name, String host, long started) {
        lock.lock();
        try {
            remove(byEndpoint, name, started);
            remove(byHost, host, started);
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private static void remove(Map<String, List<Long>> inFlight, String key, long started) {
        List<Long> list = inFlight.get(key);
        if (list != null) {
            list.remove(Long.valueOf(started));
            if (list.isEmpty()) {
                inFlight.remove(key);
            }
        }
    }

    /**
     * Zero when the endpoint can take a request now; else how long even the youngest of the requests that
     * fill its slots (or its host's) has been running. Above {@link #SLOW} the endpoint is slow, not busy:
     * its mail should wait longer before it is tried again.
     */
    public Duration busyFor(Endpoint endpoint) {
        lock.lock();
        try {
            String name = endpoint.name();
            String host = hostOf(endpoint);
            return hasRoom(endpoint, name, host) ? Duration.ZERO : blockedFor(endpoint, name, host);
        } finally {
            lock.unlock();
        }
    }

    /** Deliveries in flight to this endpoint now. */
    public int inFlight(Endpoint endpoint) {
        lock.lock();
        try {
            return count(byEndpoint, endpoint.name());
        } finally {
            lock.unlock();
        }
    }

    /** Deliveries in flight to this endpoint's host now, for every endpoint on it. */
    public int inFlightToHost(Endpoint endpoint) {
        lock.lock();
        try {
            return count(byHost, hostOf(endpoint));
        } finally {
            lock.unlock();
        }
    }
}
