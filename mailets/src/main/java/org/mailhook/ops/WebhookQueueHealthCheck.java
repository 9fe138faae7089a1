package org.mailhook.ops;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import javax.inject.Inject;

import org.apache.james.core.healthcheck.ComponentName;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.core.healthcheck.Result;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.ManageableMailQueue;
import org.mailhook.config.Durations;
import org.reactivestreams.Publisher;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Degraded when the webhook queue's oldest mail was accepted longer ago than {@code health.queue.maxAge}
 * (default 1h), or when an endpoint keeps failing: some mail of it is at attempt
 * {@code health.endpoint.failingAttempts} (default 5) or later. Listed in {@code healthcheck.properties}.
 * Healthy without looking when the queue cannot be browsed (James' RabbitMQ queue without its Cassandra view).
 */
public class WebhookQueueHealthCheck implements HealthCheck {
    public static final ComponentName NAME = new ComponentName("mailhook-webhook-queue");

    private final WebhookQueueAccess access;
    private final MailhookSettings settings;
    private final Clock clock;

    @Inject
    public WebhookQueueHealthCheck(MailQueueFactory<? extends ManageableMailQueue> queues, MailRepositoryStore repositories,
                                   MailhookSettings settings) {
        this.settings = settings;
        this.access = new WebhookQueueAccess(queues, repositories, settings);
        this.clock = Clock.systemUTC();
    }

    @Override
    public ComponentName componentName() {
        return NAME;
    }

    @Override
    public Publisher<Result> check() {
        return Mono.fromCallable(this::evaluate)
            .subscribeOn(Schedulers.boundedElastic())
            .onErrorResume(e -> Mono.just(Result.unhealthy(NAME, "webhook queue unreadable", e)));
    }

    private Result evaluate() throws Exception {
        Optional<List<WebhookQueueAccess.Queued>> listed = access.queued();
        if (listed.isEmpty()) {
            // Not browsable (RabbitMQ without its Cassandra view): age and failing endpoints cannot be
            // seen here; the broker's own health check and its queue depths cover that deployment.
            return Result.healthy(NAME);
        }
        long now = clock.millis();
        long oldest = Long.MAX_VALUE;
        Map<String, Integer> failing = new TreeMap<>();
        for (WebhookQueueAccess.Queued queued : listed.get()) {
            if (queued.view().acceptedAtMillis() > 0) {
                oldest = Math.min(oldest, queued.view().acceptedAtMillis());
            }
            if (queued.view().attempts() >= settings.failingAttempts()) {
                failing.merge(queued.view().endpoint().orElse("?"), 1, Integer::sum);
            }
        }
        List<String> problems = new ArrayList<>();
        if (oldest != Long.MAX_VALUE && now - oldest > settings.queueMaxAge().toMillis()) {
            problems.add("oldest queued mail waits for " + Durations.format(Duration.ofSeconds((now - oldest) / 1000))
                + " (more than " + Durations.format(settings.queueMaxAge()) + ")");
        }
        failing.forEach((endpoint, count) -> problems.add("endpoint " + endpoint + " keeps failing: " + count
            + " mails at attempt " + settings.failingAttempts() + " or later"));
        return problems.isEmpty() ? Result.healthy(NAME) : Result.degraded(NAME, String.join("; ", problems));
    }
}
