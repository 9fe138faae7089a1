package org.mailhook.webhook;

import java.time.Duration;
import java.util.Optional;

import org.mailhook.config.Durations;

/**
 * What the queue consumer does after an attempt: done, try again after a delay, or dead-letter (with
 * {@link #flagEndpoint()} when the receiver answered 410 Gone).
 *
 * @param action what to do
 * @param retryIn the delay before the next attempt, present only for {@link Action#RETRY}
 * @param reason why the mail is dead-lettered, present only for {@link Action#DEAD_LETTER}
 * @param flagEndpoint the receiver asked for no more webhooks (410): stop sending to that endpoint and tell the operator
 */
public record DeliveryDecision(Action action, Optional<Duration> retryIn, Optional<String> reason, boolean flagEndpoint) {

    public enum Action { DONE, RETRY, DEAD_LETTER }

    /**
     * @param attemptsSoFar attempts made, the one just reported included
     * @param ageSoFar time since the first attempt
     */
    public static DeliveryDecision after(AttemptResult attempt, int attemptsSoFar, Duration ageSoFar, RetrySchedule schedule) {
        return switch (attempt.outcome()) {
            case DELIVERED -> new DeliveryDecision(Action.DONE, Optional.empty(), Optional.empty(), false);
            case GONE -> deadLetter("the endpoint answered 410 Gone", true);
            case PERMANENT_FAILURE -> deadLetter("permanent failure: " + attempt.error().orElse("HTTP " + attempt.status()), false);
            case RETRY -> schedule.nextDelay(attemptsSoFar, ageSoFar, attempt.retryAfter())
                .map(delay -> new DeliveryDecision(Action.RETRY, Optional.of(delay), Optional.empty(), false))
                .orElseGet(() -> deadLetter("retries exhausted after " + attemptsSoFar + " attempts over "
                    + Durations.format(ageSoFar) + "; last: " + attempt.error().orElse("HTTP " + attempt.status()), false));
        };
    }

    private static DeliveryDecision deadLetter(String reason, boolean flagEndpoint) {
        return new DeliveryDecision(Action.DEAD_LETTER, Optional.empty(), Optional.of(reason), flagEndpoint);
    }
}
