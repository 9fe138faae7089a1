package org.mailhook.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One delivery attempt as it happened.
 *
 * @param startedAt when the request started
 * @param status the HTTP status, or 0 when there was no response (timeout, network error, refused)
 * @param latency from start to the response headers or the failure
 * @param error what went wrong, for logs and the attempt history (never contains keys)
 * @param outcome what it means for the mail
 * @param retryAfter the receiver's {@code Retry-After}, if it sent one
 */
public record AttemptResult(Instant startedAt, int status, Duration latency, Optional<String> error,
                            DeliveryOutcome outcome, Optional<Duration> retryAfter) {
}
