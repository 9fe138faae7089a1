package org.mailhook.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class DeliveryOutcomeTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2015-10-21T07:28:00Z"), ZoneOffset.UTC);

    @Test
    void statusesAreClassifiedPerStandardWebhooks() {
        for (int status = 100; status <= 599; status++) {
            DeliveryOutcome expected;
            if (status >= 200 && status < 300) {
                expected = DeliveryOutcome.DELIVERED;
            } else if (status == 410) {
                expected = DeliveryOutcome.GONE;
            } else if (status == 408 || status == 425 || status == 429 || status >= 500) {
                expected = DeliveryOutcome.RETRY;
            } else {
                expected = DeliveryOutcome.PERMANENT_FAILURE;
            }
            assertThat(DeliveryOutcome.forStatus(status)).as("status %d", status).isEqualTo(expected);
        }
        assertThat(DeliveryOutcome.forStatus(301)).isEqualTo(DeliveryOutcome.PERMANENT_FAILURE);
        assertThat(DeliveryOutcome.forStatus(400)).isEqualTo(DeliveryOutcome.PERMANENT_FAILURE);
        assertThat(DeliveryOutcome.forStatus(503).retryable()).isTrue();
        assertThat(DeliveryOutcome.forStatus(410).retryable()).isFalse();
    }

    @Test
    void retryAfterSeconds() {
        assertThat(RetryAfter.parse("120", CLOCK)).contains(Duration.ofSeconds(120));
        assertThat(RetryAfter.parse(" 0 ", CLOCK)).contains(Duration.ZERO);
        assertThat(RetryAfter.parse("-5", CLOCK)).isEmpty();
        assertThat(RetryAfter.parse("1.5", CLOCK)).isEmpty();
        assertThat(RetryAfter.parse("99999999999999999999999", CLOCK)).isEmpty();
        assertThat(RetryAfter.parse(null, CLOCK)).isEmpty();
    }

    @Test
    void retryAfterHttpDatesInAllThreeForms() {
        Optional<Duration> twoMinutes = Optional.of(Duration.ofMinutes(2));
        assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:30:00 GMT", CLOCK)).isEqualTo(twoMinutes);
        assertThat(RetryAfter.parse("Wednesday, 21-Oct-15 07:30:00 GMT", CLOCK)).isEqualTo(twoMinutes);
        assertThat(RetryAfter.parse("Wed Oct 21 07:30:00 2015", CLOCK)).isEqualTo(twoMinutes);
        assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:00:00 GMT", CLOCK)).contains(Duration.ZERO);
        assertThat(RetryAfter.parse("tomorrow", CLOCK)).isEmpty();
    }
}
