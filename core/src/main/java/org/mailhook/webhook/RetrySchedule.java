package org.mailhook.webhook;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.mailhook.config.Durations;
import org.mailhook.config.ParameterValues;

/**
 * When to try a webhook again. Either a table of delays written like James RemoteDelivery's
 * {@code delayTime} ({@code 5*5s, 3*5m, 10*1h}: five retries 5 s apart, then three 5 min apart, ...; the
 * last delay repeats when {@code maxAttempts} asks for more), the named table {@code standard} (the
 * Standard Webhooks schedule), or {@code exponential(base, cap)}: base, 2 base, 4 base, ... up to cap.
 * Every delay is jittered (randomness injected), a receiver's {@code Retry-After} is honoured up to a cap,
 * and the schedule ends after {@code maxAttempts} attempts or when the next attempt would come later than
 * {@code maxAge} after the first one.
 */
public final class RetrySchedule {
    /** How a delay d is randomised: not at all, uniformly in [0, d] ("full"), or uniformly in [d/2, d] ("equal"). */
    public enum Jitter { NONE, FULL, EQUAL }

    /** The Standard Webhooks example schedule: retries after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h. */
    public static final String STANDARD = "5s, 5m, 30m, 2h, 5h, 10h, 14h, 20h, 24h";
    public static final Duration DEFAULT_RETRY_AFTER_CAP = Duration.ofHours(1);

    private static final Pattern REPEATED = Pattern.compile("(\\d{1,6})\\s*\\*\\s*(.+)");
    private static final Pattern EXPONENTIAL = Pattern.compile("exponential\\s*\\(([^,]+),([^)]+)\\)");
    // A source that is safe from any thread: the queue consumers share one schedule.
    private static final RandomGenerator SHARED_RANDOM = () -> ThreadLocalRandom.current().nextLong();

    private final String text;
    private final List<Duration> delays;
    private final boolean exponential;
    private final int maxAttempts;
    private final Optional<Duration> maxAge;
    private final Jitter jitter;
    private final Duration retryAfterCap;
    private final RandomGenerator random;

    private RetrySchedule(String text, List<Duration> delays, boolean exponential, int maxAttempts,
                          Optional<Duration> maxAge, Jitter jitter, Duration retryAfterCap, RandomGenerator random) {
        this.text = text;
        this.delays = List.copyOf(delays);
        this.exponential = exponential;
        this.maxAttempts = maxAttempts;
        this.maxAge = maxAge;
        this.jitter = jitter;
        this.retryAfterCap = retryAfterCap;
        this.random = random;
    }

    /**
     * Reads {@code standard}, {@code exponential(5s, 1h)} or a delays table ({@code 5*5s, 3*5m, 10*1h} or
     * {@code 5s, 5m, 30m, 2h}). Tables allow {@code delays + 1} attempts and jitter {@link Jitter#EQUAL}
     * (each delay keeps at least half its length); exponential allows 10 attempts with {@link Jitter#FULL}.
     *
     * @throws IllegalArgumentException naming the token that is not understood
     */
    public static RetrySchedule parse(String text) {
        String trimmed = text == null ? "" : text.trim();
        String lower = trimmed.toLowerCase(Locale.ROOT);
        if (lower.equals("standard")) {
            return table("standard", STANDARD);
        }
        Matcher exponential = EXPONENTIAL.matcher(lower);
        if (exponential.matches()) {
            Duration base = Durations.parse(exponential.group(1).trim(), "exponential base in '" + trimmed + "'");
            Duration cap = Durations.parse(exponential.group(2).trim(), "exponential cap in '" + trimmed + "'");
            if (base.isZero() || cap.compareTo(base) < 0) {
                throw new IllegalArgumentException("exponential base must be > 0 and <= cap in '" + trimmed + "'");
            }
            return new RetrySchedule(trimmed, List.of(base, cap), true, 10, Optional.empty(), Jitter.FULL,
                DEFAULT_RETRY_AFTER_CAP, SHARED_RANDOM);
        }
        return table(trimmed, trimmed);
    }

    public static RetrySchedule standard() {
        return parse("standard");
    }

    private static RetrySchedule table(String name, String table) {
        List<Duration> delays = new ArrayList<>();
        if (table.isEmpty()) {
            throw new IllegalArgumentException("retry delays: empty (use 'standard', 'exponential(5s, 1h)' or '5*5s, 3*5m')");
        }
        for (String token : table.split(",")) {
            String item = token.trim();
            Matcher repeated = REPEATED.matcher(item);
            int count = 1;
            String delay = item;
            if (repeated.matches()) {
                count = Integer.parseInt(repeated.group(1));
                delay = repeated.group(2).trim();
            }
            if (count < 1) {
                throw new IllegalArgumentException("retry delays: bad token '" + item + "' (a count must be at least 1)");
            }
            Duration duration = Durations.parse(delay, "retry delays: bad token '" + item + "'");
            for (int i = 0; i < count; i++) {
                delays.add(duration);
            }
        }
        return new RetrySchedule(name, delays, false, delays.size() + 1, Optional.empty(), Jitter.EQUAL,
            DEFAULT_RETRY_AFTER_CAP, SHARED_RANDOM);
    }

    /**
     * The schedule mailet parameters describe: {@code delays} (default {@code standard}), {@code maxAttempts},
     * {@code maxAge}, {@code jitter} ({@code none|full|equal}) and {@code retryAfterCap}.
     *
     * @param parameter a parameter's value, or null when it is not set
     * @throws IllegalArgumentException naming the parameter that is wrong
     */
    public static RetrySchedule fromParameters(Function<String, String> given) {
        ParameterValues parameter = ParameterValues.of(given);
        RetrySchedule schedule;
        try {
            schedule = parse(parameter.text("delays", "standard"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("delays: " + e.getMessage(), e);
        }
        schedule = schedule.withMaxAttempts(parameter.wholeNumber("maxAttempts", schedule.maxAttempts(), 1, Integer.MAX_VALUE));
        if (parameter.text("maxAge").isPresent()) {
            schedule = schedule.withMaxAge(parameter.duration("maxAge", Duration.ZERO));
        }
        Optional<String> jitter = parameter.text("jitter");
        if (jitter.isPresent()) {
            try {
                schedule = schedule.withJitter(Jitter.valueOf(jitter.get().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw parameter.invalid("jitter", jitter.get(), "one of none, full, equal");
            }
        }
        return schedule.withRetryAfterCap(parameter.duration("retryAfterCap", schedule.retryAfterCap));
    }

    /** Attempts in all, the first one included. */
    public RetrySchedule withMaxAttempts(int attempts) {
        if (attempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + attempts);
        }
        return new RetrySchedule(text, delays, exponential, attempts, maxAge, jitter, retryAfterCap, random);
    }

    /** No attempt is scheduled later than this after the first one. */
    public RetrySchedule withMaxAge(Duration age) {
        return new RetrySchedule(text, delays, exponential, maxAttempts, Optional.of(age), jitter, retryAfterCap, random);
    }

    public RetrySchedule withJitter(Jitter newJitter) {
        return new RetrySchedule(text, delays, exponential, maxAttempts, maxAge, newJitter, retryAfterCap, random);
    }

    /** The longest wait a receiver's {@code Retry-After} can ask for. */
    public RetrySchedule withRetryAfterCap(Duration cap) {
        return new RetrySchedule(text, delays, exponential, maxAttempts, maxAge, jitter, cap, random);
    }

    /** The source of jitter (tests pin it). */
    public RetrySchedule withRandom(RandomGenerator newRandom) {
        return new RetrySchedule(text, delays, exponential, maxAttempts, maxAge, jitter, retryAfterCap, newRandom);
    }

    /**
     * How long to wait before the next attempt.
     *
     * @param attemptsSoFar attempts already made (1 after the first failure)
     * @param ageSoFar time since the first attempt
     * @param retryAfter what the receiver asked for, if anything; honoured up to the cap, never shortening the schedule
     * @return empty when the schedule is exhausted (max attempts reached, or the next attempt would pass max age)
     */
    public Optional<Duration> nextDelay(int attemptsSoFar, Duration ageSoFar, Optional<Duration> retryAfter) {
        if (attemptsSoFar >= maxAttempts) {
            return Optional.empty();
        }
        Duration delay = jittered(nominalDelay(attemptsSoFar));
        if (retryAfter.isPresent()) {
            Duration asked = retryAfter.get().compareTo(retryAfterCap) > 0 ? retryAfterCap : retryAfter.get();
            if (asked.compareTo(delay) > 0) {
                delay = asked;
            }
        }
        if (maxAge.isPresent() && ageSoFar.plus(delay).compareTo(maxAge.get()) > 0) {
            return Optional.empty();
        }
        return Optional.of(delay);
    }

    /** The delay before jitter after {@code attemptsSoFar} attempts (at least 1). */
    public Duration nominalDelay(int attemptsSoFar) {
        int index = Math.max(0, attemptsSoFar - 1);
        if (exponential) {
            Duration base = delays.get(0);
            Duration cap = delays.get(1);
            // Doubling past 2^40 base only matters for absurd attempt counts; stop before overflow.
            Duration doubled = index >= 40 ? cap : base.multipliedBy(1L << index);
            return doubled.compareTo(cap) > 0 ? cap : doubled;
        }
        return delays.get(Math.min(index, delays.size() - 1));
    }

    private Duration jittered(Duration nominal) {
        long millis = nominal.toMillis();
        return switch (jitter) {
            case NONE -> nominal;
            case FULL -> Duration.ofMillis(random.nextLong(millis + 1));
            case EQUAL -> Duration.ofMillis(millis / 2 + random.nextLong(millis - millis / 2 + 1));
        };
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    /**
     * How long after acceptance a mail may still be tried: {@code maxAge} when set, else the sum of the
     * nominal delays. A mail waiting for its endpoint to recover spends no attempts, but this budget still
     * runs, so a mail that reaches the end of its schedule while waiting is dead-lettered.
     */
    public Duration budget() {
        if (maxAge.isPresent()) {
            return maxAge.get();
        }
        Duration total = Duration.ZERO;
        for (int attempt = 1; attempt < maxAttempts; attempt++) {
            total = total.plus(nominalDelay(attempt));
        }
        return total;
    }

    public Optional<Duration> maxAge() {
        return maxAge;
    }

    public Jitter jitter() {
        return jitter;
    }

    @Override
    public String toString() {
        String shape = exponential
            ? "exponential(" + Durations.format(delays.get(0)) + ", " + Durations.format(delays.get(1)) + ")"
            : text.equals("standard") ? "standard"
            : delays.stream().map(Durations::format).collect(Collectors.joining(", "));
        return shape + " maxAttempts=" + maxAttempts + maxAge.map(a -> " maxAge=" + Durations.format(a)).orElse("")
            + " jitter=" + jitter.name().toLowerCase(Locale.ROOT) + " retryAfterCap=" + Durations.format(retryAfterCap);
    }
}
