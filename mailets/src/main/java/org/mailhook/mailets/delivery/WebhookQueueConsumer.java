package org.mailhook.mailets.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueue.MailQueueItem;
import org.apache.mailet.Mail;
import org.mailhook.webhook.AttemptResult;
import org.mailhook.webhook.AttemptHistory;
import org.mailhook.webhook.DeliveredRecord;
import org.mailhook.webhook.DeliveryDecision;
import org.mailhook.config.Durations;
import org.mailhook.webhook.Endpoint;
import org.mailhook.webhook.EndpointBreaker;
import org.mailhook.webhook.EndpointLimiter;
import org.mailhook.webhook.RetrySchedule;
import org.mailhook.webhook.Routes;
import org.mailhook.webhook.WebhookPayload;
import org.mailhook.webhook.WebhookSender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.mailhook.mailets.MailBytes;
import org.mailhook.mailets.MailAttributes;

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
 *
 * <p>Each endpoint has a breaker ({@link EndpointBreaker}). While it is open, that endpoint's mail is not
 * sent: it is parked ({@link ParkedMail}, durable) without spending an attempt, and the queue item is
 * acknowledged once it is stored. A task every {@link #TICK} lets one probe at a time through (the oldest
 * parked mail) and, once the endpoint is up, drains the parked mail oldest first at the endpoint's
 * concurrency limit. Each parked mail keeps its attributes, so its one {@code webhook-id} and its attempt
 * history; a mail whose retry budget ({@link RetrySchedule#budget()}) runs out while parked is dead-lettered.
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
    /** How long a mail put back waits when its endpoint's slots are held by slow (or hanging) requests. */
    private static final Duration SLOW_ENDPOINT_DELAY = Duration.ofSeconds(5);
    /** How often probes are started, parked mail is drained and expired parked mail is dead-lettered. */
    static final Duration TICK = Duration.ofMillis(200);

    /** Where a mail went after its attempt. */
    private enum Next { DONE, REQUEUED, PARKED, DEAD_LETTERED }

    private final MailQueue queue;
    private final DelayedRequeue requeue;
    private final Supplier<Routes> routes;
    private final RetrySchedule schedule;
    private final WebhookSender sender;
    private final MailRepository deadLetters;
    private final Optional<DeliveredStore> delivered;
    private final int concurrency;
    private final long thinPayloadAbove;
    /** Adds signed attachment links to each attempt's payload (fresh expiry per attempt); identity when off. */
    private volatile UnaryOperator<byte[]> attachmentLinks = UnaryOperator.identity();
    private final Clock clock;
    private final WebhookMetrics metrics;
    private final EndpointLimiter limiter;
    private final EndpointBreaker breaker;
    /** Empty: the breaker is off (no repository to park in). */
    private final Optional<ParkedMail> parked;
    /** Keys ({@link DeliveredRecord#keyOf}) of the queue items this node is delivering now. */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    /** Parked keys handed to the drain pool and not finished yet. */
    private final Set<String> draining = ConcurrentHashMap.newKeySet();
    private final Set<String> gaugedEndpoints = ConcurrentHashMap.newKeySet();
    /** Drain lanes running per endpoint. */
    private final java.util.Map<String, AtomicInteger> lanes = new ConcurrentHashMap<>();
    private volatile boolean stopping;
    private Scheduler scheduler;
    private Disposable subscription;
    private ScheduledExecutorService ticker;
    private ExecutorService drainPool;

    WebhookQueueConsumer(MailQueue queue, DelayedRequeue requeue, Supplier<Routes> routes, RetrySchedule schedule, WebhookSender sender,
                         MailRepository deadLetters, Optional<DeliveredStore> delivered, int concurrency, long thinPayloadAbove,
                         Clock clock, WebhookMetrics metrics) {
        this(queue, requeue, routes, schedule, sender, deadLetters, delivered, concurrency, thinPayloadAbove, clock, metrics,
            new EndpointLimiter(), new EndpointBreaker(EndpointBreaker.Settings.OFF, clock), Optional.empty());
    }

    WebhookQueueConsumer(MailQueue queue, DelayedRequeue requeue, Supplier<Routes> routes, RetrySchedule schedule, WebhookSender sender,
                         MailRepository deadLetters, Optional<DeliveredStore> delivered, int concurrency, long thinPayloadAbove,
                         Clock clock, WebhookMetrics metrics, EndpointLimiter limiter, EndpointBreaker breaker,
                         Optional<ParkedMail> parked) {
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
        this.limiter = limiter;
        this.breaker = breaker;
        this.parked = breaker.settings().enabled() ? parked : Optional.empty();
    }

    void start() {
        if (parked.isPresent()) {
            startParking(parked.get());
        }
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
        if (ticker != null) {
            ticker.shutdownNow();
        }
        if (drainPool != null) {
            drainPool.shutdownNow();
        }
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
        if (parked.isPresent() && !breaker.allowsSending(endpointName) && ParkedMail.parkable(mail)) {
            // The endpoint is down: wait without spending an attempt.
            park(mail, mailhookId, webhookId, endpointName);
            return;
        }
        Optional<EndpointLimiter.Permit> permit = limiter.tryAcquire(endpoint, BUSY_ENDPOINT_WAIT);
        if (permit.isEmpty()) {
            requeue.enQueue(mail, limiter.busyFor(endpoint).compareTo(EndpointLimiter.SLOW) > 0 ? SLOW_ENDPOINT_DELAY : BUSY_ENDPOINT_DELAY);
            return;
        }
        AttemptResult result = send(mail, webhookId, endpoint, permit.get());
        breaker.record(endpointName, EndpointBreaker.Signal.of(result), false);
        settle(mail, mailhookId, webhookId, endpointName, endpoint, result);
    }

    /** Set once, before {@link #start}: see WebhookDeliveryRuntime. */
    void signAttachmentLinks(UnaryOperator<byte[]> links) {
        attachmentLinks = links;
    }

    private AttemptResult send(Mail mail, String webhookId, Endpoint endpoint, EndpointLimiter.Permit permit) {
        AttemptResult result;
        try (permit) {
            Runnable stopTimer = metrics.startHttpTimer();
            byte[] payload = attachmentLinks.apply(WebhookPayload.compose(MailAttributes.string(mail, MailAttributes.JSON).orElse("{}"),
                DeliveryAttributes.route(mail), thinPayloadAbove));
            result = sender.send(endpoint, webhookId, clock.instant().getEpochSecond(), payload);
            stopTimer.run();
        }
        metrics.attempted(result);
        return result;
    }

    /** Counts the attempt, adds it to the history and stores the mail's next state. */
    private Next settle(Mail mail, String mailhookId, String webhookId, String endpointName, Endpoint endpoint, AttemptResult result)
        throws Exception {
        int attempt = (int) DeliveryAttributes.attempts(mail) + 1;
        MailAttributes.set(mail, DeliveryAttributes.ATTEMPTS, attempt);
        MailAttributes.set(mail, DeliveryAttributes.HISTORY,
            AttemptHistory.append(Optional.of(DeliveryAttributes.history(mail)), attempt, endpointName, webhookId, result));
        Duration age = ageOf(mail);
        DeliveryDecision decision = DeliveryDecision.after(result, attempt, age, schedule);
        // The endpoint is down (this failure may have opened its breaker): wait for it rather than for the schedule.
        boolean park = decision.action() == DeliveryDecision.Action.RETRY && parked.isPresent()
            && !breaker.allowsSending(endpointName) && ParkedMail.parkable(mail);
        LOGGER.info("{} next={}", AttemptHistory.logLine(mailhookId, endpoint, webhookId, attempt, result),
            switch (decision.action()) {
                case DONE -> "done";
                case RETRY -> park ? "parked-until-endpoint-up" : "retry-in-" + decision.retryIn().orElseThrow().toMillis() + "ms";
                case DEAD_LETTER -> "dead-letters";
            });
        switch (decision.action()) {
            case DONE -> {
                recordDelivered(mail, result);
                metrics.delivered(age);
                return Next.DONE;
            }
            case RETRY -> {
                if (park) {
                    parked.get().park(mail);
                    metrics.parked();
                    return Next.PARKED;
                }
                requeue.enQueue(mail, decision.retryIn().orElseThrow());
                return Next.REQUEUED;
            }
            default -> {
                if (decision.flagEndpoint()) {
                    LOGGER.error("endpoint {} answered 410 Gone: it asks for no more webhooks; fix or remove its route", endpointName);
                }
                deadLetter(mail, decision.reason().orElse("undeliverable"));
                return Next.DEAD_LETTERED;
            }
        }
    }

    private Duration ageOf(Mail mail) {
        return Duration.ofMillis(Math.max(0, clock.millis() - DeliveryAttributes.acceptedAt(mail)));
    }

    /** Parks a mail of an endpoint that is down, or dead-letters it when its retry budget has run out. */
    private void park(Mail mail, String mailhookId, String webhookId, String endpointName) throws Exception {
        Duration age = ageOf(mail);
        if (age.compareTo(schedule.budget()) > 0) {
            deadLetter(mail, exhaustedWhileWaiting(mail, age));
            LOGGER.info("webhook id={} webhook-id={} endpoint={} waited past its retry budget: dead-letters", mailhookId, webhookId, endpointName);
            return;
        }
        parked.get().park(mail);
        metrics.parked();
        LOGGER.debug("webhook id={} webhook-id={} endpoint={} parked: the endpoint is down", mailhookId, webhookId, endpointName);
    }

    private String exhaustedWhileWaiting(Mail mail, Duration age) {
        return "retries exhausted after " + DeliveryAttributes.attempts(mail) + " attempts over " + Durations.format(age)
            + "; the endpoint was down (breaker open" + breaker.openedAt(DeliveryAttributes.endpoint(mail).orElse("?"))
                .map(at -> " since " + Instant.ofEpochMilli(at)).orElse("") + ")";
    }

    private void startParking(ParkedMail lot) {
        try {
            for (String endpoint : lot.load()) {
                // Mail parked before a restart: one probe decides before the backlog is sent.
                breaker.restoreOpen(endpoint);
                LOGGER.info("endpoint {}: {} mails wait from before the restart; probing it", endpoint, lot.size(endpoint));
            }
        } catch (Exception e) {
            throw new IllegalStateException("the parked webhook mail could not be listed", e);
        }
        drainPool = Executors.newFixedThreadPool(Math.max(2, concurrency), daemon("mailhook-webhook-drain-" + queue.getName().asString()));
        ticker = Executors.newSingleThreadScheduledExecutor(daemon("mailhook-webhook-breaker-" + queue.getName().asString()));
        ticker.scheduleWithFixedDelay(() -> {
            try {
                tick(lot);
            } catch (Throwable e) {
                LOGGER.warn("webhook breaker tick failed; the next one runs in {} ms", TICK.toMillis(), e);
            }
        }, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Probes open endpoints, drains those that are up again, expires what waited too long. */
    private void tick(ParkedMail lot) throws Exception {
        for (String name : breaker.known()) {
            if (gaugedEndpoints.add(name)) {
                metrics.endpointGauges(name, () -> (long) breaker.state(name).ordinal(), () -> (long) lot.size(name));
            }
        }
        for (String name : lot.endpoints()) {
            Optional<Endpoint> endpoint = routes.get().endpoint(name);
            expire(lot, name, endpoint.isEmpty());
            if (endpoint.isEmpty()) {
                continue;
            }
            switch (breaker.state(name)) {
                case OPEN -> {
                    if (breaker.tryStartProbe(name)) {
                        List<ParkedMail.Entry> oldest = lot.oldest(name, 1);
                        if (oldest.isEmpty() || !draining.add(oldest.get(0).key())) {
                            breaker.cancelProbe(name);
                        } else {
                            drainPool.execute(() -> sendParked(lot, oldest.get(0), endpoint.get(), true));
                        }
                    }
                }
                case CLOSED -> {
                    AtomicInteger running = lanes.computeIfAbsent(name, n -> new AtomicInteger());
                    while (running.get() < endpoint.get().maxConcurrent()) {
                        running.incrementAndGet();
                        drainPool.execute(() -> lane(lot, name, running));
                    }
                }
                case PROBING -> { }
            }
        }
    }

    /**
     * One of an endpoint's {@link Endpoint#maxConcurrent()} drain lanes: sends its parked mail, oldest
     * first, while it is up and mail waits.
     */
    private void lane(ParkedMail lot, String name, AtomicInteger running) {
        try {
            while (!stopping && breaker.allowsSending(name)) {
                Optional<Endpoint> endpoint = routes.get().endpoint(name);
                Optional<ParkedMail.Entry> next = endpoint.isEmpty() ? Optional.empty()
                    : lot.oldest(name, endpoint.get().maxConcurrent() * 2 + 1).stream().filter(entry -> draining.add(entry.key())).findFirst();
                if (next.isEmpty()) {
                    return;
                }
                if (!sendParked(lot, next.get(), endpoint.get(), false)) {
                    // Its slots are taken (by mail from the queue): leave the rest to the next tick.
                    return;
                }
            }
        } finally {
            running.decrementAndGet();
        }
    }

    /** Dead-letters parked mail past its retry budget (all of it when its endpoint is no longer configured). */
    private void expire(ParkedMail lot, String name, boolean removed) throws Exception {
        long cutoff = clock.millis() - schedule.budget().toMillis();
        for (ParkedMail.Entry entry : lot.oldest(name, removed ? Integer.MAX_VALUE : 100)) {
            if (!removed && entry.acceptedAtMillis() >= cutoff) {
                return;
            }
            if (!draining.add(entry.key())) {
                continue;
            }
            try {
                Mail mail = lot.retrieve(entry);
                if (mail == null) {
                    continue;
                }
                try {
                    deadLetter(mail, removed ? "endpoint-removed" : exhaustedWhileWaiting(mail, ageOf(mail)));
                    lot.remove(entry);
                    LOGGER.info("webhook webhook-id={} endpoint={} {}: dead-letters", entry.webhookId(), name,
                        removed ? "no longer configured" : "waited past its retry budget");
                } finally {
                    LifecycleUtil.dispose(mail);
                }
            } finally {
                draining.remove(entry.key());
            }
        }
    }

    /**
     * One attempt of a parked mail: the probe, or one of the backlog once the endpoint is up. A failed probe
     * spends no attempt and leaves the mail parked as it was; otherwise the attempt counts as any other and the
     * parked copy is removed only after the mail's next state is stored.
     */
    /** @return false when no slot to the endpoint was free (the mail stays parked, untouched) */
    private boolean sendParked(ParkedMail lot, ParkedMail.Entry entry, Endpoint endpoint, boolean probe) {
        boolean reported = false;
        String name = endpoint.name();
        try {
            if (!inFlight.add(entry.itemKey())) {
                return true;
            }
            try {
                Mail mail = lot.retrieve(entry);
                if (mail == null) {
                    return true;
                }
                try {
                    String mailhookId = MailAttributes.string(mail, MailAttributes.ID).orElse("unknown");
                    if (acknowledgedBefore(mail)) {
                        metrics.duplicateSuppressed();
                        lot.remove(entry);
                        return true;
                    }
                    Optional<EndpointLimiter.Permit> permit = limiter.tryAcquire(endpoint, BUSY_ENDPOINT_WAIT);
                    if (permit.isEmpty()) {
                        return false;
                    }
                    AttemptResult result = send(mail, entry.webhookId(), endpoint, permit.get());
                    EndpointBreaker.Signal signal = EndpointBreaker.Signal.of(result);
                    EndpointBreaker.State after = breaker.record(name, signal, probe);
                    reported = true;
                    if (probe && signal == EndpointBreaker.Signal.DOWN) {
                        LOGGER.info("{} probe failed: endpoint stays down, next probe in {} ms ({} mails wait)",
                            AttemptHistory.logLine(mailhookId, endpoint, entry.webhookId(), (int) DeliveryAttributes.attempts(mail), result),
                            breaker.untilProbe(name).toMillis(), lot.size(name));
                        return true;
                    }
                    if (probe && after == EndpointBreaker.State.CLOSED) {
                        LOGGER.info("endpoint {} is up again: {} waiting mails are sent, oldest first", name, lot.size(name));
                    }
                    Next next = settle(mail, mailhookId, entry.webhookId(), name, endpoint, result);
                    if (next != Next.PARKED) {
                        lot.remove(entry);
                    }
                    if (next == Next.DONE) {
                        metrics.drained();
                    }
                    return true;
                } finally {
                    LifecycleUtil.dispose(mail);
                }
            } finally {
                inFlight.remove(entry.itemKey());
            }
        } catch (Throwable e) {
            // Still parked: tried again at a later tick.
            LOGGER.error("parked webhook-id={} endpoint={} could not be handled; it stays parked", entry.webhookId(), name, e);
            return false;
        } finally {
            if (probe && !reported) {
                breaker.cancelProbe(name);
            }
            draining.remove(entry.key());
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
