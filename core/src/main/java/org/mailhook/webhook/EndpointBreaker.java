package org.mailhook.webhook;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.mailhook.config.Durations;
import org.mailhook.config.ParameterValues;

/**
 * Per-endpoint health: a circuit breaker. {@link State#CLOSED} sends; after {@code failures} consecutive
 * failed attempts (5xx, 408/425/429, timeouts, connection errors: the {@link DeliveryOutcome#RETRY} outcomes)
 * it is {@link State#OPEN}: nothing is sent to that endpoint, its mail waits without spending attempts. When
 * the probe is due, one caller at a time gets to make one attempt ({@link #tryStartProbe}, state
 * {@link State#PROBING}); a probe that fails opens it again with the probe interval doubled, up to the cap
 * (2 s, 4 s, 8 s, 16 s, 30 s, 30 s …); any answer that shows the endpoint is up closes it. An endpoint that
 * answers, even with a permanent 4xx, is up: such answers reset the failure count as a 2xx does. A request
 * never made (refused by the SSRF guard) says nothing about the endpoint.
 *
 * <p>Thread-safe; the clock is injected (tests pin it). No James types.
 */
public final class EndpointBreaker {
    /** The gauge values are the ordinals: 0 closed, 1 open, 2 probing. */
    public enum State { CLOSED, OPEN, PROBING }

    /** What an attempt says about the endpoint's health. */
    public enum Signal {
        /** The endpoint answered (2xx, 3xx, a permanent 4xx, 410). */
        UP,
        /** A retryable failure: 5xx, 408, 425, 429, timeout, connection or TLS error. */
        DOWN,
        /** No request was made (refused before sending). */
        NONE;

        public static Signal of(AttemptResult result) {
            return switch (result.outcome()) {
                case RETRY -> DOWN;
                case DELIVERED, GONE -> UP;
                case PERMANENT_FAILURE -> result.status() > 0 ? UP : NONE;
            };
        }
    }

    /**
     * @param failures consecutive failures that open the breaker; 0 turns it off (it never opens)
     * @param firstProbe the wait before the first probe once open
     * @param maxProbe the longest wait between probes (the interval doubles up to it)
     */
    public record Settings(int failures, Duration firstProbe, Duration maxProbe) {
        public static final Settings DEFAULT = new Settings(5, Duration.ofSeconds(2), Duration.ofSeconds(30));
        public static final Settings OFF = new Settings(0, Duration.ofSeconds(2), Duration.ofSeconds(30));

        public Settings {
            if (failures < 0) {
                throw new IllegalArgumentException("breakerFailures: must be 0 (off) or more, got " + failures);
            }
            if (firstProbe.isNegative() || firstProbe.isZero() || maxProbe.compareTo(firstProbe) < 0) {
                throw new IllegalArgumentException("breakerProbe: the first probe wait must be positive and at most the cap");
            }
        }

        public boolean enabled() {
            return failures > 0;
        }

        /**
         * Reads {@code breakerFailures} (default 5, 0 = off) and {@code breakerProbe} ({@code 2s..30s}: the
         * first probe wait and the cap).
         *
         * @throws IllegalArgumentException naming the parameter
         */
        public static Settings fromParameters(Function<String, String> given) {
            ParameterValues parameter = ParameterValues.of(given);
            int failures = parameter.wholeNumber("breakerFailures", DEFAULT.failures(), 0, Integer.MAX_VALUE);
            Duration first = DEFAULT.firstProbe();
            Duration cap = DEFAULT.maxProbe();
            Optional<String> probeText = parameter.text("breakerProbe");
            if (probeText.isPresent()) {
                String probe = probeText.get();
                String[] parts = probe.split("\\.\\.", -1);
                if (parts.length != 2) {
                    throw parameter.invalid("breakerProbe", probe, "first..cap, e.g. 2s..30s");
                }
                first = Durations.parse(parts[0].trim(), "breakerProbe");
                cap = Durations.parse(parts[1].trim(), "breakerProbe");
            }
            return new Settings(failures, first, cap);
        }
    }

    private static final class Health {
        State state = State.CLOSED;
        int failures;
        Duration interval;
        long nextProbeAt;
        long openedAt;
        long opened;
    }

    private final Settings settings;
    private final Clock clock;
    private final Map<String, Health> endpoints = new ConcurrentHashMap<>();

    public EndpointBreaker(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    public Settings settings() {
        return settings;
    }

    public State state(String endpoint) {
        Health health = endpoints.get(endpoint);
        if (health == null) {
            return State.CLOSED;
        }
        synchronized (health) {
            return health.state;
        }
    }

    /** Whether mail may be sent to the endpoint now (it is closed). */
    public boolean allowsSending(String endpoint) {
        return state(endpoint) == State.CLOSED;
    }

    /** Endpoints that have been open at least once since start (their state is worth a gauge). */
    public Set<String> known() {
        Set<String> known = new java.util.TreeSet<>();
        endpoints.forEach((name, health) -> {
            synchronized (health) {
                if (health.opened > 0) {
                    known.add(name);
                }
            }
        });
        return known;
    }

    /**
     * Opens the breaker with its first probe due at once: at start, for an endpoint that still has mail
     * waiting from before a restart (one probe decides, rather than every waiting mail failing once).
     */
    public void restoreOpen(String endpoint) {
        if (!settings.enabled()) {
            return;
        }
        Health health = health(endpoint);
        synchronized (health) {
            if (health.state == State.CLOSED) {
                open(health, clock.millis(), settings.firstProbe());
                health.nextProbeAt = clock.millis();
            }
        }
    }

    /**
     * If the endpoint is open and its probe is due, the caller becomes the probe (state {@link State#PROBING})
     * and must report it with {@link #record(String, Signal, boolean) record(…, true)} or {@link #cancelProbe}.
     */
    public boolean tryStartProbe(String endpoint) {
        Health health = endpoints.get(endpoint);
        if (health == null) {
            return false;
        }
        synchronized (health) {
            if (health.state != State.OPEN || clock.millis() < health.nextProbeAt) {
                return false;
            }
            health.state = State.PROBING;
            return true;
        }
    }

    /** The probe was not made after all (its mail was gone or already delivered): another may start at once. */
    public void cancelProbe(String endpoint) {
        Health health = endpoints.get(endpoint);
        if (health == null) {
            return;
        }
        synchronized (health) {
            if (health.state == State.PROBING) {
                health.state = State.OPEN;
                health.nextProbeAt = clock.millis();
            }
        }
    }

    /** How long until the next probe may start: zero when due, or when the endpoint is not open. */
    public Duration untilProbe(String endpoint) {
        Health health = endpoints.get(endpoint);
        if (health == null) {
            return Duration.ZERO;
        }
        synchronized (health) {
            return health.state != State.OPEN ? Duration.ZERO : Duration.ofMillis(Math.max(0, health.nextProbeAt - clock.millis()));
        }
    }

    /**
     * Reports one attempt.
     *
     * @param probe whether it was the probe started by {@link #tryStartProbe}
     * @return the state after it
     */
    public State record(String endpoint, Signal signal, boolean probe) {
        if (!settings.enabled() || signal == Signal.NONE && !probe) {
            return state(endpoint);
        }
        Health health = health(endpoint);
        synchronized (health) {
            long now = clock.millis();
            switch (signal) {
                case UP -> {
                    // Any answer shows the endpoint is up, a late one from before the breaker opened included.
                    health.state = State.CLOSED;
                    health.failures = 0;
                    health.interval = null;
                }
                case DOWN -> {
                    if (probe && health.state == State.PROBING) {
                        Duration doubled = health.interval.multipliedBy(2);
                        open(health, now, doubled.compareTo(settings.maxProbe()) > 0 ? settings.maxProbe() : doubled);
                    } else if (health.state == State.CLOSED) {
                        health.failures++;
                        if (health.failures >= settings.failures()) {
                            open(health, now, settings.firstProbe());
                        }
                    }
                    // A failure of an attempt started before the breaker opened changes nothing.
                }
                case NONE -> {
                    if (health.state == State.PROBING) {
                        health.state = State.OPEN;
                        health.nextProbeAt = now;
                    }
                }
            }
            return health.state;
        }
    }

    /** How many times the breaker of this endpoint opened (after consecutive failures, or restored open at start). */
    public long timesOpened(String endpoint) {
        Health health = endpoints.get(endpoint);
        if (health == null) {
            return 0;
        }
        synchronized (health) {
            return health.opened;
        }
    }

    /** When the breaker last opened (epoch millis), or empty when it is closed. */
    public java.util.Optional<Long> openedAt(String endpoint) {
        Health health = endpoints.get(endpoint);
        if (health == null) {
            return java.util.Optional.empty();
        }
        synchronized (health) {
            return health.state == State.CLOSED ? java.util.Optional.empty() : java.util.Optional.of(health.openedAt);
        }
    }

    private Health health(String endpoint) {
        return endpoints.computeIfAbsent(endpoint, name -> new Health());
    }

    private static void open(Health health, long now, Duration interval) {
        if (health.state == State.CLOSED) {
            health.openedAt = now;
            health.opened++;
        }
        health.state = State.OPEN;
        health.interval = interval;
        health.nextProbeAt = now + interval.toMillis();
    }
}
