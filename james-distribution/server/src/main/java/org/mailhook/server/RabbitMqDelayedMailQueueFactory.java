package org.mailhook.server;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.mailet.Mail;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.rabbitmq.BindingSpecification;
import reactor.rabbitmq.QueueSpecification;
import reactor.rabbitmq.Sender;

/**
 * James' RabbitMQ mail queues with {@code enQueue(mail, delay)} honoured. James 3.8.1's RabbitMQ queue
 * ignores the delay and hands the mail straight back to a consumer, which turns every retry (webhook
 * retries, RemoteDelivery's bounces) into a hot loop. Here a delayed mail goes to a wait queue instead:
 *
 * <pre>
 *   enQueue(mail, 37 s) → James queue "Q-wait-36680ms" (stores the blobs, publishes to its exchange)
 *     → exchange JamesMailQueue-exchange-Q-wait-36680ms → queue mailhook-delay-Q-36680ms
 *        (quorum queue, x-message-ttl 36680, at-least-once dead-lettering)
 *     → on expiry, dead-lettered to JamesMailQueue-exchange-Q → Q's work queue → Q's consumers
 * </pre>
 *
 * RabbitMQ itself keeps the waiting mail and its due time (durable, survives a broker restart, shared by
 * every James node): no timer in James, no polling, nothing lost when a node dies. A queue's TTL is fixed,
 * so delays are rounded to a ladder of eight tiers per doubling ({@link #tier}, at most ±4.5 %), and one
 * wait queue exists per queue and tier in use. The James work queue James declares for the wait queue
 * is unbound from its exchange: nothing consumes it and nothing reaches it.
 */
public final class RabbitMqDelayedMailQueueFactory implements MailQueueFactory<ManageableMailQueue> {
    private static final Logger LOGGER = LoggerFactory.getLogger(RabbitMqDelayedMailQueueFactory.class);
    static final String WAIT_QUEUE_INFIX = "-wait-";
    private static final int TIERS_PER_DOUBLING = 8;
    private static final Duration SHORTEST = Duration.ofSeconds(1);
    /** RabbitMQ's TTL is at most 2^32-1 ms; nothing waits that long anyway. */
    private static final Duration LONGEST = Duration.ofDays(30);
    private static final String JAMES_EXCHANGE_PREFIX = "JamesMailQueue-exchange-";
    private static final String JAMES_WORK_QUEUE_PREFIX = "JamesMailQueue-workqueue-";
    private static final String DELAY_QUEUE_PREFIX = "mailhook-delay-";

    private final MailQueueFactory<? extends ManageableMailQueue> james;
    private final Sender sender;
    private final Map<String, MailQueue> waitQueues = new ConcurrentHashMap<>();

    public RabbitMqDelayedMailQueueFactory(MailQueueFactory<? extends ManageableMailQueue> james, Sender sender) {
        this.james = james;
        this.sender = sender;
    }

    /** The delay actually applied: {@code delay} rounded to the nearest of 8 tiers per doubling, 1 s to 30 days. */
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
    public Optional<ManageableMailQueue> getQueue(MailQueueName name, PrefetchCount count) {
        return james.getQueue(name, count).map(DelayedMailQueue::new);
    }

    @Override
    public ManageableMailQueue createQueue(MailQueueName name, PrefetchCount count) {
        return new DelayedMailQueue(james.createQueue(name, count));
    }

    /** The mail queues, without the wait queues behind the delays. */
    @Override
    public Set<MailQueueName> listCreatedMailQueues() {
        return james.listCreatedMailQueues().stream()
            .filter(name -> !name.asString().contains(WAIT_QUEUE_INFIX))
            .collect(Collectors.toSet());
    }

    private MailQueue waitQueue(MailQueueName target, Duration tier) {
        String waitName = target.asString() + WAIT_QUEUE_INFIX + tier.toMillis() + "ms";
        return waitQueues.computeIfAbsent(waitName, name -> declareWaitQueue(target, name, tier));
    }

    private MailQueue declareWaitQueue(MailQueueName target, String waitName, Duration tier) {
        MailQueue waitQueue = james.createQueue(MailQueueName.of(waitName));
        String waitExchange = JAMES_EXCHANGE_PREFIX + waitName;
        String delayQueue = DELAY_QUEUE_PREFIX + target.asString() + "-" + tier.toMillis() + "ms";
        sender.declareQueue(QueueSpecification.queue(delayQueue).durable(true).arguments(Map.of(
                "x-queue-type", "quorum",
                "x-message-ttl", tier.toMillis(),
                "x-dead-letter-exchange", JAMES_EXCHANGE_PREFIX + target.asString(),
                "x-dead-letter-routing-key", "",
                // Quorum queues keep a message until its dead-lettered copy is confirmed by the target queue.
                "x-dead-letter-strategy", "at-least-once",
                "x-overflow", "reject-publish")))
            .block();
        sender.bind(BindingSpecification.binding().exchange(waitExchange).queue(delayQueue).routingKey("")).block();
        sender.unbind(BindingSpecification.binding().exchange(waitExchange).queue(JAMES_WORK_QUEUE_PREFIX + waitName).routingKey("")).block();
        LOGGER.info("mail queue {}: delays of {} ms wait in {}", target.asString(), tier.toMillis(), delayQueue);
        return waitQueue;
    }

    /** One of James' RabbitMQ mail queues whose delayed enqueues wait in RabbitMQ. */
    private final class DelayedMailQueue implements ManageableMailQueue {
        private final ManageableMailQueue queue;

        DelayedMailQueue(ManageableMailQueue queue) {
            this.queue = queue;
        }

        @Override
        public void enQueue(Mail mail, Duration delay) throws MailQueueException {
            if (delay.isNegative() || delay.isZero()) {
                queue.enQueue(mail);
                return;
            }
            waitQueue(queue.getName(), tier(delay)).enQueue(mail);
        }

        @Override
        public MailQueueName getName() {
            return queue.getName();
        }

        @Override
        public void enQueue(Mail mail) throws MailQueueException {
            queue.enQueue(mail);
        }

        @Override
        public Publisher<Void> enqueueReactive(Mail mail) {
            return queue.enqueueReactive(mail);
        }

        @Override
        public Publisher<MailQueueItem> deQueue() {
            return queue.deQueue();
        }

        @Override
        public long getSize() throws MailQueueException {
            return queue.getSize();
        }

        @Override
        public Publisher<Long> getSizeReactive() {
            return queue.getSizeReactive();
        }

        @Override
        public long flush() throws MailQueueException {
            return queue.flush();
        }

        @Override
        public long clear() throws MailQueueException {
            return queue.clear();
        }

        @Override
        public long remove(Type type, String value) throws MailQueueException {
            return queue.remove(type, value);
        }

        @Override
        public MailQueueIterator browse() throws MailQueueException {
            return queue.browse();
        }

        @Override
        public void close() {
            try {
                queue.close();
            } catch (java.io.IOException e) {
                LOGGER.warn("closing mail queue {}", queue.getName().asString(), e);
            }
        }

        @Override
        public String toString() {
            return "delayed " + queue;
        }
    }
}
