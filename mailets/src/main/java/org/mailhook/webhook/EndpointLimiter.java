package org.mailhook.webhook;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Caps the deliveries in flight per endpoint ({@link Endpoint#maxConcurrent()}), so that a slow or dead
 * endpoint holds at most that many consumer threads and the others keep flowing. A consumer that gets no
 * permit should put the mail back with a short delay rather than wait.
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

    /** @return a permit, or empty when the endpoint already has its maximum in flight */
    public Optional<Permit> tryAcquire(Endpoint endpoint) {
        Slots current = slots.compute(endpoint.name(), (name, existing) ->
            // A reload that changes the limit starts a fresh count; permits of the old one release into it harmlessly.
            existing != null && existing.limit() == endpoint.maxConcurrent()
                ? existing : new Slots(endpoint.maxConcurrent(), new Semaphore(endpoint.maxConcurrent())));
        if (!current.semaphore().tryAcquire()) {
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
