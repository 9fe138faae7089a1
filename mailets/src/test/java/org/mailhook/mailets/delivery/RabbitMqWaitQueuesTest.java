package org.mailhook.mailets.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class RabbitMqWaitQueuesTest {

    @Test
    void everyDelayFromOneSecondToADayIsRoundedByAtMostFourAndAHalfPercent() {
        Set<Duration> tiers = new HashSet<>();
        for (long millis = 1_000; millis <= 86_400_000; millis = millis * 101 / 100) {
            Duration tier = RabbitMqWaitQueues.tier(Duration.ofMillis(millis));
            tiers.add(tier);
            assertThat((double) tier.toMillis() / millis).as("tier of %d ms", millis).isBetween(0.955, 1.045);
        }
        // A day of delays needs about 8 tiers per doubling (17 doublings): the wait queues stay few.
        assertThat(tiers).hasSizeLessThanOrEqualTo(8 * 17 + 1);
    }

    @Test
    void delaysShorterThanASecondWaitASecondAndLongOnesAreCappedAtThirtyDays() {
        assertThat(RabbitMqWaitQueues.tier(Duration.ofMillis(1))).isEqualTo(Duration.ofSeconds(1));
        assertThat(RabbitMqWaitQueues.tier(Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
        assertThat(RabbitMqWaitQueues.tier(Duration.ofDays(400)).toMillis())
            .isEqualTo(RabbitMqWaitQueues.tier(Duration.ofDays(30)).toMillis())
            .isLessThan((1L << 32) - 1);
    }

    @Test
    void theStandardScheduleKeepsItsDelays() {
        assertThat(RabbitMqWaitQueues.tier(Duration.ofSeconds(5)).toMillis()).isBetween(4_800L, 5_200L);
        assertThat(RabbitMqWaitQueues.tier(Duration.ofMinutes(30)).toMillis()).isBetween(1_719_000L, 1_881_000L);
    }
}
