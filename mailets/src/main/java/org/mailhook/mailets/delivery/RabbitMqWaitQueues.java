package org.mailhook.mailets.delivery;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.rabbitmq.BindingSpecification;
import reactor.rabbitmq.QueueSpecification;
import reactor.rabbitmq.Sender;

/**
 * Delays on James' RabbitMQ mail queue, which ignores them: a delayed mail goes to a wait queue whose
 * messages expire after the delay and are dead-lettered back to the mail queue.
 *
 * <pre>
 *   enQueue(mail, 37 s) → James mail queue "Q-wait-38055ms" (stores the blobs, publishes to its exchange)
 *     → exchange JamesMailQueue-exchange-Q-wait-38055ms → queue mailhook-delay-Q-38055ms
 *        (quorum queue, x-message-ttl 38055, at-least-once dead-lettering)
 *     → on expiry, dead-lettered to JamesMailQueue-exchange-Q → Q's work queue → Q's consumers
 * </pre>
 *
 * RabbitMQ keeps the waiting mail and its due time (durable, survives a broker restart, shared by every
 * James node): no timer in James, no polling, nothing lost when a node dies. A queue's TTL is fixed, so
 * delays are rounded to a ladder of eight tiers per doubling ({@link #tier}, within ±4.5 %), one wait
 * queue per tier in use. The work queue James declares (and binds) for the wait mail queue is deleted
 * right after: nothing consumes it, and when two nodes declare the same tier at once, the second
 * declaration binds it again for a moment, so copies routed there meanwhile must go with it (each is a
 * duplicate of a message in the delay queue). Exchange and queue names are James 3.8.1's
 * ({@code MailQueueName}).
 */
final class RabbitMqWaitQueues implements DelayedRequeue {
    private static final Logger LOGGER = LoggerFactory.getLogger(RabbitMqWaitQueues.class);
    private static final String RABBITMQ_MAIL_QUEUE = "org.apache.james.queue.rabbitmq.RabbitMQMailQueue";
    private static final String JAMES_EXCHANGE_PREFIX = "JamesMailQueue-exchange-";
    private static final String JAMES_WORK_QUEUE_PREFIX = "JamesMailQueue-workqueue-";
    private static final String DELAY_QUEUE_PREFIX = "mailhook-delay-";
    private static final int TIERS_PER_DOUBLING = 8;
    private static final Duration SHORTEST = Duration.ofSeconds(1);
    /** RabbitMQ's TTL is at most 2^32-1 ms (49 days). */
    private static final Duration LONGEST = Duration.ofDays(30);

    private final MailQueue queue;
    private final MailQueueFactory<?> factory;
    private final Sender sender;
    private final Map<Duration, MailQueue> waitQueues = new ConcurrentHashMap<>();

    RabbitMqWaitQueues(MailQueue queue, MailQueueFactory<?> factory, Sender sender) {
        this.queue = queue;
        this.factory = factory;
        this.sender = sender;
    }

    /** Whether {@code queue} is James' RabbitMQ mail queue (by name: its classes are absent from other James servers). */
    static boolean handles(MailQueue queue) {
        return queue.getClass().getName().equals(RABBITMQ_MAIL_QUEUE);
    }

    /** The delay applied: {@code delay} rounded to the nearest of 8 tiers per doubling, from 1 s to 30 days. */
    static Duration tier(Duration delay) {
        if (delay.compareTo(SHORTEST) <= 0) {
            return SHORTEST;
        }
        Duration capped = delay.compareTo(LONGEST) > 0 ? LONGEST : delay;
        double doublings = Math.log((double) capped.toMillis() / SHORTEST.toMillis()) / Math.log(2);
        long step = Math.round(doublings * TIERS_PER_DOUBLING);
        return Duration.ofMillis(Math.round(SHORTEST.toMillis() * Math.pow(2, (double) step / TIERS_PER_DOUBLING)));
    }

    @Override
    public void enQueue(Mail mail, Duration delay) throws MailQueue.MailQueueException {
        if (delay.isNegative() || delay.isZero()) {
            queue.enQueue(mail);
            return;
        }
        waitQueues.computeIfAbsent(tier(delay), this::declareWaitQueue).enQueue(mail);
    }

    private MailQueue declareWaitQueue(Duration tier) {
        String target = queue.getName().asString();
        String waitName = target + "-wait-" + tier.toMillis() + "ms";
        MailQueue waitQueue = factory.createQueue(MailQueueName.of(waitName));
        String waitExchange = JAMES_EXCHANGE_PREFIX + waitName;
        String delayQueue = DELAY_QUEUE_PREFIX + target + "-" + tier.toMillis() + "ms";
        sender.declareQueue(QueueSpecification.queue(delayQueue).durable(true).arguments(Map.of(
                "x-queue-type", "quorum",
                "x-message-ttl", tier.toMillis(),
                "x-dead-letter-exchange", JAMES_EXCHANGE_PREFIX + target,
                "x-dead-letter-routing-key", "",
                // A quorum queue keeps the message until the mail queue has confirmed its dead-lettered copy.
                "x-dead-letter-strategy", "at-least-once",
                "x-overflow", "reject-publish")))
            .block();
        sender.bind(BindingSpecification.binding().exchange(waitExchange).queue(delayQueue).routingKey("")).block();
        sender.delete(QueueSpecification.queue(JAMES_WORK_QUEUE_PREFIX + waitName)).block();
        LOGGER.info("mail queue {}: retries due in {} ms wait in RabbitMQ queue {}", target, tier.toMillis(), delayQueue);
        return waitQueue;
    }
}
