package org.mailhook.mailets;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueue.MailQueueItem;
import org.apache.mailet.Mail;
import org.mailhook.webhook.AttemptResult;
import org.mailhook.webhook.AttemptHistory;
import org.mailhook.webhook.DeliveredRecord;
import org.mailhook.webhook.DeliveryDecision;
import org.mailhook.webhook.Endpoint;
import org.mailhook.webhook.EndpointLimiter;
import org.mailhook.webhook.RetrySchedule;
import org.mailhook.webhook.Routes;
import org.mailhook.webhook.WebhookPayload;
import org.mailhook.webhook.WebhookSender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Takes mails off the webhook queue and makes one delivery attempt per dequeue; then the mail is
 * done, re-enqueued with the next delay, or moved to dead letters. The item is acknowledged only
 * after that next state is stored, so a crash at any point repeats an attempt at worst (same
 * webhook-id) and never loses the mail. An acknowledged delivery is recorded ({@link DeliveredStore})
 * before its item is acknowledged, and a repeated copy of an item whose delivery has a record is not sent
 * again (the queue engine may hand an item out twice: RabbitMQ after a lost acknowledgement, or the
 * at-least-once dead-lettering of its wait queues); a copy that arrives while another copy is in flight
 * on this node waits for it. Two copies handled at the same moment on two nodes can still both be sent:
 * receivers deduplicate by webhook-id.
 */
final class WebhookQueueConsumer {
    private static final Logger LOGGER = LoggerFactory.getLogger(WebhookQueueConsumer.class);
    /** How long a consumer waits for a busy endpoint before putting the mail back. */
    private static final Duration BUSY_ENDPOINT_WAIT = Duration.ofMillis(250);
    /**
     * How long a mail put back waits when its endpoint already has its maximum of deliveries in flight, or
     * another copy of the same queue item is being delivered on this node.
     */
    private static final Duration BUSY_ENDPOINT_DELAY = Duration.ofSeconds(1);

    private final MailQueue queue;
    private final DelayedRequeue requeue;
    private final Supplier<Routes> routes;
    private final RetrySchedule schedule;
    private final WebhookSender sender;
    private final MailRepository deadLetters;
    private final Optional<DeliveredStore> delivered;
    private final int concurrency;
    private final long thinPayloadAbove;
    private final Clock clock;
    private final WebhookMetrics metrics;
    private final EndpointLimiter limiter = new EndpointLimiter();
    /** Keys ({@link DeliveredRecord#keyOf}) of the queue items this node is delivering now. */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;
    private Scheduler scheduler;
    private Disposable subscription;

    WebhookQueueConsumer(MailQueue queue, DelayedRequeue requeue, Supplier<Routes> routes, RetrySchedule schedule, WebhookSender sender,
                         MailRepository deadLetters, Optional<DeliveredStore> delivered, int concurrency, long thinPayloadAbove,
                         Clock clock, WebhookMetrics metrics) {
        this.queue = queue;
        this.requeue = requeue;
        this.routes = routes;
        this.schedule = schedule;
        this.sender = sender;
        this.deadLetters = deadLetters;
        this.delivered = delivered;
        this.concurrency = concurrency;
        this.thinPayloadAbove = thinPayloadAbove;
        this.clock = clock;
        this.metrics = metrics;
    }

    void start() {
        // JMS deQueue() blocks: it gets threads of its own.
        scheduler = Schedulers.newBoundedElastic(concurrency + 2, Integer.MAX_VALUE, "mailhook-webhook-" + queue.getName().asString());
        subscription = Flux.defer(() -> Flux.from(queue.deQueue()))
            .subscribeOn(scheduler)
            .flatMap(item -> Mono.fromRunnable(() -> handle(item)).subscribeOn(scheduler), concurrency)
            // A broken dequeue (broker hiccup) resubscribes instead of silently stopping deliveries.
            .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(500)).maxBackoff(Duration.ofSeconds(30))
                .filter(error -> !stopping)
                .doBeforeRetry(signal -> LOGGER.warn("webhook queue {}: dequeue failed, resubscribing", queue.getName().asString(), signal.failure())))
            .subscribe(ignored -> { }, error -> {
                if (!stopping) {
                    LOGGER.error("webhook queue {} consumer stopped", queue.getName().asString(), error);
                }
            });
    }

    void stop() {
        stopping = true;
        if (subscription != null) {
            subscription.dispose();
        }
        if (scheduler != null) {
            scheduler.dispose();
        }
        sender.close();
    }

    private void handle(MailQueueItem item) {
        Mail mail = item.getMail();
        try {
            deliver(mail);
            item.done(MailQueueItem.CompletionStatus.SUCCESS);
        } catch (Throwable e) {
            // The next state could not be stored: leave the mail on the queue for another try.
            LOGGER.error("webhook delivery of {} could not be recorded, it stays queued", mail.getName(), e);
            try {
                item.done(MailQueueItem.CompletionStatus.RETRY);
            } catch (Exception inner) {
                LOGGER.error("could not return {} to the queue", mail.getName(), inner);
            }
        } finally {
            LifecycleUtil.dispose(mail);
        }
    }

    private void deliver(Mail mail) throws Exception {
        String mailhookId = MailAttributes.string(mail, MailAttributes.ID).orElse("unknown");
        String webhookId = DeliveryAttributes.webhookId(mail);
        String endpointName = DeliveryAttributes.endpoint(mail).orElse("?");
        Optional<Endpoint> endpoint = routes.get().endpoint(endpointName);
        if (endpoint.isEmpty()) {
            LOGGER.error("webhook id={} webhook-id={} endpoint={} no longer configured: moved to dead letters", mailhookId, webhookId, endpointName);
            deadLetter(mail, "endpoint-removed");
            return;
        }
        String itemKey = DeliveredRecord.keyOf(DeliveryAttributes.acceptedAt(mail), webhookId);
        if (!inFlight.add(itemKey)) {
            // Another copy of this very item is being delivered here: this one is decided after it (and is
            // then a repeat of an acknowledged delivery, or a retry of a failed one).
            requeue.enQueue(mail, BUSY_ENDPOINT_DELAY);
            return;
        }
        try {
            attempt(mail, mailhookId, webhookId, endpointName, endpoint.get());
        } finally {
            inFlight.remove(itemKey);
        }
    }

    private void attempt(Mail mail, String mailhookId, String webhookId, String endpointName, Endpoint endpoint) throws Exception {
        if (acknowledgedBefore(mail)) {
            LOGGER.info("webhook id={} webhook-id={} endpoint={} was acknowledged before: this repeated queue item is not sent again",
                mailhookId, webhookId, endpointName);
            metrics.duplicateSuppressed();
            return;
        }
        Optional<EndpointLimiter.Permit> permit = limiter.tryAcquire(endpoint, BUSY_ENDPOINT_WAIT);
        if (permit.isEmpty()) {
            requeue.enQueue(mail, BUSY_ENDPOINT_DELAY);
            return;
        }
        AttemptResult result;
        try (EndpointLimiter.Permit held = permit.get()) {
            Runnable stopTimer = metrics.startHttpTimer();
            byte[] payload = WebhookPayload.compose(MailAttributes.string(mail, MailAttributes.JSON).orElse("{}"),
                DeliveryAttributes.route(mail), thinPayloadAbove);
            result = sender.send(endpoint, webhookId, clock.instant().getEpochSecond(), payload);
            stopTimer.run();
        }
        metrics.attempted(result);
        int attempt = (int) DeliveryAttributes.attempts(mail) + 1;
        MailAttributes.set(mail, DeliveryAttributes.ATTEMPTS, attempt);
        MailAttributes.set(mail, DeliveryAttributes.HISTORY,
            AttemptHistory.append(Optional.of(DeliveryAttributes.history(mail)), attempt, endpointName, webhookId, result));
        Duration age = Duration.ofMillis(Math.max(0, clock.millis() - DeliveryAttributes.acceptedAt(mail)));
        DeliveryDecision decision = DeliveryDecision.after(result, attempt, age, schedule);
        LOGGER.info("{} next={}", AttemptHistory.logLine(mailhookId, endpoint, webhookId, attempt, result),
            switch (decision.action()) {
                case DONE -> "done";
                case RETRY -> "retry-in-" + decision.retryIn().orElseThrow().toMillis() + "ms";
                case DEAD_LETTER -> "dead-letters";
            });
        switch (decision.action()) {
            case DONE -> {
                recordDelivered(mail, result);
                metrics.delivered(age);
            }
            case RETRY -> requeue.enQueue(mail, decision.retryIn().orElseThrow());
            case DEAD_LETTER -> {
                if (decision.flagEndpoint()) {
                    LOGGER.error("endpoint {} answered 410 Gone: it asks for no more webhooks; fix or remove its route", endpointName);
                }
                deadLetter(mail, decision.reason().orElse("undeliverable"));
            }
        }
    }

    /** A failing look-up sends the mail (a duplicate the receiver can drop by webhook-id beats a loss). */
    private boolean acknowledgedBefore(Mail mail) {
        if (delivered.isEmpty()) {
            return false;
        }
        try {
            return delivered.get().acknowledgedBefore(mail);
        } catch (Exception e) {
            LOGGER.warn("webhook-id={}: could not look for an earlier acknowledgement, sending", DeliveryAttributes.webhookId(mail), e);
            return false;
        }
    }

    /**
     * Keeps the acknowledged delivery for the deliveries API, before the queue item is acknowledged: after
     * a crash in between, the repeated item finds the record and is not sent again; never is a record lost.
     */
    private void recordDelivered(Mail mail, AttemptResult result) {
        if (delivered.isEmpty()) {
            return;
        }
        try {
            delivered.get().write(DeliveredStore.recordOf(mail, clock.instant(), result.status()), DeliveredStore.replayedRecord(mail));
        } catch (Exception e) {
            // The receiver has the mail; sending it again only to retry the bookkeeping would duplicate it.
            LOGGER.error("webhook-id={} delivered but its record could not be stored: it will not be listed or replayable",
                DeliveryAttributes.webhookId(mail), e);
            metrics.deliveredRecordFailed();
        }
    }

    private void deadLetter(Mail mail, String reason) throws Exception {
        MailAttributes.set(mail, DeliveryAttributes.DEAD_REASON, reason);
        // Stored as a byte copy: the queue's own message would be re-encoded by a file repository.
        Mail copy = MailBytes.copy(mail);
        try {
            copy.setName(mail.getName());
            copy.setState(mail.getState());
            deadLetters.store(copy);
        } finally {
            LifecycleUtil.dispose(copy);
        }
        metrics.deadLettered();
    }
}
