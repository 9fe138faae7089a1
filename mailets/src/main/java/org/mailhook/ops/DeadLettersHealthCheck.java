package org.mailhook.ops;

import javax.inject.Inject;

import org.apache.james.core.healthcheck.ComponentName;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.core.healthcheck.Result;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.reactivestreams.Publisher;

import reactor.core.publisher.Mono;

/**
 * Degraded while the dead-letter repository holds more than {@code health.deadLetters.max} mails
 * (default 0): each one is a mail a receiver has not got. Healthy again once they are redelivered or dropped.
 * Listed in {@code healthcheck.properties} {@code additional.healthchecks}.
 */
public class DeadLettersHealthCheck implements HealthCheck {
    public static final ComponentName NAME = new ComponentName("mailhook-dead-letters");

    private final java.util.function.Supplier<MailRepository> deadLetters;
    private final long max;

    @Inject
    public DeadLettersHealthCheck(MailRepositoryStore repositories, MailhookSettings settings) {
        this.deadLetters = WebhookQueueAccess.repository(repositories, settings.deadLetterRepository());
        this.max = settings.deadLettersMax();
    }

    @Override
    public ComponentName componentName() {
        return NAME;
    }

    @Override
    public Publisher<Result> check() {
        return Mono.fromCallable(() -> {
            long count = deadLetters.get().size();
            if (count > max) {
                return Result.degraded(NAME, count + " dead letters (more than " + max
                    + "): GET /mailhook/deliveries?status=dead, then redeliver or drop them");
            }
            return Result.healthy(NAME);
        }).onErrorResume(e -> Mono.just(Result.unhealthy(NAME, "dead-letter repository unreadable", e)));
    }
}
