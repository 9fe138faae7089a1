package org.mailhook.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class EndpointLimiterTest {
    private static final WebhookSecret SECRET = WebhookSecret.parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

    private static Endpoint endpoint(String name, String url, int maxConcurrent) {
        return Endpoint.builder(name, url).secret(SECRET).maxConcurrent(maxConcurrent).build();
    }

    @Test
    void manyEndpointsOnOneHostShareTheHostCap() throws Exception {
        EndpointLimiter limiter = new EndpointLimiter();
        List<EndpointLimiter.Permit> held = new ArrayList<>();
        // A hundred instant addresses minted for one (hanging) receiver: each is an endpoint of its own.
        for (int i = 0; i < 100; i++) {
            limiter.tryAcquire(endpoint("instant-" + i, "https://hooks.example.com/in/" + i, 4), Duration.ZERO).ifPresent(held::add);
        }
        assertThat(held).hasSize(EndpointLimiter.DEFAULT_PER_HOST);
        Endpoint sameHost = endpoint("instant-x", "https://hooks.example.com/other", 4);
        assertThat(limiter.inFlightToHost(sameHost)).isEqualTo(4);
        assertThat(limiter.tryAcquire(sameHost, Duration.ofMillis(50))).isEmpty();
        // Another port or host is another host.
        assertThat(limiter.tryAcquire(endpoint("other-port", "https://hooks.example.com:8443/in", 4), Duration.ZERO)).isPresent();
        assertThat(limiter.tryAcquire(endpoint("healthy", "https://api.example.org/in", 4), Duration.ZERO)).isPresent();
        held.forEach(EndpointLimiter.Permit::close);
        assertThat(limiter.inFlightToHost(sameHost)).isZero();
        assertThat(limiter.tryAcquire(sameHost, Duration.ZERO)).isPresent();
    }

    @Test
    void anEndpointConfiguredForMoreThanTheHostCapKeepsItsLimit() throws Exception {
        EndpointLimiter limiter = new EndpointLimiter(2);
        Endpoint big = endpoint("big", "https://hooks.example.com/in", 8);
        List<Optional<EndpointLimiter.Permit>> permits = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            permits.add(limiter.tryAcquire(big, Duration.ZERO));
        }
        assertThat(permits.stream().filter(Optional::isPresent)).hasSize(8);
        // A small endpoint on the same host now waits: the host has more than its cap in flight.
        assertThat(limiter.tryAcquire(endpoint("small", "https://hooks.example.com/small", 1), Duration.ZERO)).isEmpty();
        permits.forEach(p -> p.ifPresent(EndpointLimiter.Permit::close));
        assertThat(limiter.inFlight(big)).isZero();
    }

    @Test
    void aSlowEndpointIsNotWaitedFor() throws Exception {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        EndpointLimiter limiter = new EndpointLimiter(4, now::get);
        Endpoint one = endpoint("one", "https://hooks.example.com/in", 1);
        EndpointLimiter.Permit held = limiter.tryAcquire(one, Duration.ZERO).orElseThrow();
        assertThat(limiter.busyFor(one)).isZero();
        now.addAndGet(Duration.ofMillis(500).toNanos());
        // Busy, not slow: a consumer waits its time for the slot.
        long start = System.nanoTime();
        assertThat(limiter.tryAcquire(one, Duration.ofMillis(200))).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(190));
        assertThat(limiter.busyFor(one)).isEqualTo(Duration.ofMillis(500));
        // The request has run 2 s: the endpoint is slow, and nobody waits for it.
        now.addAndGet(Duration.ofMillis(1500).toNanos());
        start = System.nanoTime();
        assertThat(limiter.tryAcquire(one, Duration.ofSeconds(30))).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(limiter.busyFor(one)).isEqualTo(Duration.ofSeconds(2));
        held.close();
        assertThat(limiter.busyFor(one)).isZero();
    }

    @Test
    void aPermitClosedTwiceIsReleasedOnce() throws Exception {
        EndpointLimiter limiter = new EndpointLimiter();
        Endpoint one = endpoint("one", "https://hooks.example.com/in", 1);
        Endpoint two = endpoint("two", "https://hooks.example.com/in2", 4);
        EndpointLimiter.Permit permit = limiter.tryAcquire(one, Duration.ZERO).orElseThrow();
        EndpointLimiter.Permit other = limiter.tryAcquire(two, Duration.ZERO).orElseThrow();
        permit.close();
        permit.close();
        assertThat(limiter.inFlightToHost(one)).isEqualTo(1);
        other.close();
    }
}
