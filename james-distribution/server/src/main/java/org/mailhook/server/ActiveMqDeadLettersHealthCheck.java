package org.mailhook.server;

import javax.inject.Inject;

import org.apache.james.core.healthcheck.ComponentName;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.core.healthcheck.Result;
import org.reactivestreams.Publisher;

import reactor.core.publisher.Mono;

/**
 * Degraded while ActiveMQ's own dead-letter queue holds messages. When James' spool fails on a mail
 * again and again (the broker's redelivery policy gives up after six tries), ActiveMQ moves the queue
 * entry to {@code ActiveMQ.DLQ}: the mail got its 250, yet no processor, repository or WebAdmin route
 * will ever show it. This check is where an operator learns of it (docs/operations.md says what to do).
 */
public final class ActiveMqDeadLettersHealthCheck implements HealthCheck {
    public static final ComponentName NAME = new ComponentName("mailhook-activemq-dlq");

    private final VmOnlyBroker broker;

    @Inject
    ActiveMqDeadLettersHealthCheck(VmOnlyBroker broker) {
        this.broker = broker;
    }

    @Override
    public ComponentName componentName() {
        return NAME;
    }

    @Override
    public Publisher<Result> check() {
        return Mono.fromCallable(() -> {
            long count = broker.deadLetterCount();
            if (count > 0) {
                return Result.degraded(NAME, count + " spool entries in ActiveMQ.DLQ: James gave up on them after"
                    + " repeated failures; see docs/operations.md (ActiveMQ dead-letter queue)");
            }
            return Result.healthy(NAME);
        }).onErrorResume(e -> Mono.just(Result.unhealthy(NAME, "ActiveMQ.DLQ unreadable", e)));
    }
}
