package org.mailhook.mailets.delivery;

import java.time.Duration;

import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.mailet.Mail;

import com.google.inject.Binding;
import com.google.inject.Injector;
import com.google.inject.Key;

import reactor.rabbitmq.Sender;

/**
 * Puts a mail back on its queue, to be taken again after {@code delay}: how webhook retries wait.
 * Queues that honour {@link MailQueue#enQueue(Mail, Duration)} (memory, ActiveMQ) do it themselves; James'
 * RabbitMQ mail queue ignores the delay (the retry would come back at once, a hot loop), so there the
 * mail waits in RabbitMQ itself ({@link RabbitMqWaitQueues}).
 */
@FunctionalInterface
public interface DelayedRequeue {

    void enQueue(Mail mail, Duration delay) throws MailQueue.MailQueueException;

    /** The right way for {@code queue}; {@code injector} supplies the RabbitMQ sender only when the queue is RabbitMQ's. */
    static DelayedRequeue forQueue(MailQueue queue, MailQueueFactory<?> factory, Injector injector) {
        if (RabbitMqWaitQueues.handles(queue)) {
            // The server's own sender only: Guice would otherwise make a Sender of its own, for localhost.
            Binding<Sender> sender = injector.getExistingBinding(Key.get(Sender.class));
            if (sender == null) {
                throw new IllegalStateException("queue " + queue.getName().asString()
                    + " is James' RabbitMQ mail queue but this James binds no RabbitMQ Sender to wait for retries with");
            }
            return new RabbitMqWaitQueues(queue, factory, sender.getProvider().get());
        }
        return queue::enQueue;
    }
}
