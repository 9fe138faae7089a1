package org.mailhook.webhook;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Caps the deliveries in flight per endpoint ({@link Endpoint#maxConcurrent()}), so that a slow or dead
 * endpoint holds at most that many consumer threads and the others keep flowing. A consumer waits a
 * moment for a permit (a busy fast endpoint frees one within milliseconds) and, failing that, puts the
 * mail back with a short delay rather than hold its thread: requeued mail goes to the back of the queue,
 * so requeueing at once under load would reorder mail and starve the unlucky ones.
 */
public final class EndpointLimiter {
    /** A held slot; closing it gives the slot back (once). */
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    private record Slots(int limit, Semaphore semaphore) {
    }

    private final Map<String, Slots> slots = new ConcurrentHashMap<>();

    /** @return a permit, or empty when the endpoint still has its maximum in flight after {@code wait} */
    public Optional<Permit> tryAcquire(Endpoint endpoint, Duration wait) throws InterruptedException {
        Slots current = slots.compute(endpoint.name(), (name, existing) ->
            // A reload that changes the limit starts a fresh count; permits of the old one release into it harmlessly.
            existing != null && existing.limit() == endpoint.maxConcurrent()
                ? existing : new Slots(endpoint.maxConcurrent(), new Semaphore(endpoint.maxConcurrent())));
        if (!current.semaphore().tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS)) {
            return Optional.empty();
        }
        return Optional.of(new Permit() {
            private boolean released;

            @Override
            public synchronized void close() {
                if (!released) {
                    released = true;
                    current.semaphore().release();
                }
            }
        });
    }

    /** Deliveries in flight to this endpoint now. */
    public int inFlight(Endpoint endpoint) {
        Slots current = slots.get(endpoint.name());
        return current == null ? 0 : current.limit() - current.semaphore().availablePermits();
    }
}
