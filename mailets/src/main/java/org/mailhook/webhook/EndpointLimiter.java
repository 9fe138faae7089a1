package org.mailhook.webhook;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

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
 */
public final class EndpointLimiter {
    /** The host cap when none is given: the default {@link Endpoint#maxConcurrent()}. */
    public static final int DEFAULT_PER_HOST = Endpoint.DEFAULT_MAX_CONCURRENT;

    /** A held slot; closing it gives the slot back (once). */
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    private final int perHost;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private final Map<String, Integer> byEndpoint = new HashMap<>();
    private final Map<String, Integer> byHost = new HashMap<>();

    public EndpointLimiter() {
        this(DEFAULT_PER_HOST);
    }

    public EndpointLimiter(int perHost) {
        if (perHost < 1) {
            throw new IllegalArgumentException("hostConcurrency: must be at least 1, got " + perHost);
        }
        this.perHost = perHost;
    }

    /** The host key: scheme, host and port. */
    static String hostOf(Endpoint endpoint) {
        return endpoint.url().scheme() + "://" + endpoint.url().host() + ":" + endpoint.url().port();
    }

    /** @return a permit, or empty when the endpoint or its host still has its maximum in flight after {@code wait} */
    public Optional<Permit> tryAcquire(Endpoint endpoint, Duration wait) throws InterruptedException {
        String name = endpoint.name();
        String host = hostOf(endpoint);
        long remaining = wait.toNanos();
        lock.lockInterruptibly();
        try {
            // A reload that changes an endpoint's limit applies to the next acquisition.
            while (byEndpoint.getOrDefault(name, 0) >= endpoint.maxConcurrent()
                || byHost.getOrDefault(host, 0) >= Math.max(perHost, endpoint.maxConcurrent())) {
                if (remaining <= 0) {
                    return Optional.empty();
                }
                remaining = released.awaitNanos(remaining);
            }
            byEndpoint.merge(name, 1, Integer::sum);
            byHost.merge(host, 1, Integer::sum);
        } finally {
            lock.unlock();
        }
        return Optional.of(new Permit() {
            private boolean closed;

            @Override
            public synchronized void close() {
                if (!closed) {
                    closed = true;
                    release(name, host);
                }
            }
        });
    }

    private void release(String name, String host) {
        lock.lock();
        try {
            byEndpoint.computeIfPresent(name, (key, count) -> count <= 1 ? null : count - 1);
            byHost.computeIfPresent(host, (key, count) -> count <= 1 ? null : count - 1);
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Deliveries in flight to this endpoint now. */
    public int inFlight(Endpoint endpoint) {
        lock.lock();
        try {
            return byEndpoint.getOrDefault(endpoint.name(), 0);
        } finally {
            lock.unlock();
        }
    }

    /** Deliveries in flight to this endpoint's host now, for every endpoint on it. */
    public int inFlightToHost(Endpoint endpoint) {
        lock.lock();
        try {
            return byHost.getOrDefault(hostOf(endpoint), 0);
        } finally {
            lock.unlock();
        }
    }
}
