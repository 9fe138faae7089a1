package org.mailhook.mailets;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.mailhook.config.Durations;
import org.mailhook.config.ParameterValues;
import org.mailhook.webhook.Endpoint;
import org.mailhook.webhook.EndpointBreaker;
import org.mailhook.webhook.EndpointLimiter;
import org.mailhook.webhook.RetrySchedule;
import org.mailhook.webhook.Routes;
import org.mailhook.webhook.RoutesFile;
import org.mailhook.webhook.SsrfGuard;
import org.mailhook.webhook.WebhookIds;
import org.mailhook.webhook.WebhookPayload;
import org.mailhook.webhook.WebhookSender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.inject.Injector;

import okhttp3.Dns;

/**
 * Routes each mail to its webhook endpoint(s) and hands one copy per endpoint to a durable James
 * mail queue, then returns; a consumer started by this mailet POSTs the JSON signed per Standard
 * Webhooks, retries on the schedule and moves what cannot be delivered to a dead-letter repository.
 * The queue holds the whole mail, so nothing accepted is lost when an endpoint or this server goes
 * down. Parameters: docs/webhooks.md.
 *
 * <pre>{@code
 * <mailet match="All" class="org.mailhook.mailets.WebhookDelivery">
 *     <url>https://hooks.example.com/inbound</url>
 *     <secret>${env:MAILHOOK_WEBHOOK_SECRET}</secret>
 * </mailet>
 * }</pre>
 */
public class WebhookDelivery extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(WebhookDelivery.class);
    /** Queue names in use in this JVM: two mailets sharing a queue would take each other's mail. */
    private static final Set<String> QUEUES_IN_USE = ConcurrentHashMap.newKeySet();
    static final String VERSION = "0.1";

    private final MailQueueFactory<?> queueFactory;
    private final MailRepositoryStore repositoryStore;
    private final Clock clock;
    private final Dns dns;
    private final WebhookMetrics metrics;
    private final GaugeRegistry gauges;
    private final Injector injector;

    private Supplier<Routes> routes;
    private MailQueue queue;
    private String queueName;
    private MailRepository deadLetters;
    private String unroutedProcessor;
    private WebhookQueueConsumer consumer;
    private PeriodicTask deliveredPurge;

    @Inject
    public WebhookDelivery(MailQueueFactory<?> queueFactory, MailRepositoryStore repositoryStore,
                           MetricFactory metricFactory, GaugeRegistry gauges, Injector injector) {
        this(queueFactory, repositoryStore, Clock.systemUTC(), Dns.SYSTEM, new WebhookMetrics(metricFactory, gauges), gauges, injector);
    }

    WebhookDelivery(MailQueueFactory<?> queueFactory, MailRepositoryStore repositoryStore, Clock clock, Dns dns, Injector injector) {
        this(queueFactory, repositoryStore, clock, dns, WebhookMetrics.NONE, null, injector);
    }

    private WebhookDelivery(MailQueueFactory<?> queueFactory, MailRepositoryStore repositoryStore, Clock clock, Dns dns,
                            WebhookMetrics metrics, GaugeRegistry gauges, Injector injector) {
        this.queueFactory = queueFactory;
        this.repositoryStore = repositoryStore;
        this.clock = clock;
        this.dns = dns;
        this.metrics = metrics;
        this.gauges = gauges;
        this.injector = injector;
    }

    @Override
    public String getMailetInfo() {
        return "Mailhook WebhookDelivery";
    }

    @Override
    public void init() throws MessagingException {
        ParameterValues parameters = ParameterValues.ofMailet(getMailetName(), this::getInitParameter);
        RetrySchedule schedule;
        EndpointBreaker.Settings breakerSettings;
        SsrfGuard guard;
        Duration deliveredRetention;
        Duration deliveredPurgeInterval;
        try {
            routes = routes();
            schedule = RetrySchedule.fromParameters(this::parameter);
            breakerSettings = EndpointBreaker.Settings.fromParameters(this::parameter);
            guard = new SsrfGuard(SsrfGuard.Policy.fromParameters(this::parameter), dns);
            checkUrls(routes.get(), guard);
            deliveredRetention = parameters.duration("deliveredRetention", DeliveredStore.DEFAULT_RETENTION);
            deliveredPurgeInterval = parameters.duration("deliveredPurgeInterval", Duration.ofHours(1));
        } catch (IllegalArgumentException e) {
            // The engines name the parameter (and never show a secret).
            throw new MessagingException(parameters.locate(e.getMessage()));
        }
        queueName = getInitParameter("queue", "mailhook-webhooks");
        if (!QUEUES_IN_USE.add(queueName)) {
            throw new MessagingException(getMailetName() + ": <queue> '" + queueName
                + "' is already used by another WebhookDelivery mailet; give each one its own <queue>");
        }
        queue = queueFactory.createQueue(MailQueueName.of(queueName));
        try {
            deadLetters = repositoryStore.select(MailRepositoryUrl.from(
                getInitParameter("deadLetterRepository", "file://var/mail/webhook-dead-letters/")));
        } catch (Exception e) {
            throw new MessagingException(getMailetName() + ": <deadLetterRepository>: " + e.getMessage(), e);
        }
        Optional<DeliveredStore> delivered = deliveredStore(deliveredRetention, deliveredPurgeInterval);
        unroutedProcessor = getInitParameter("unroutedProcessor");
        routes = withInstantAddresses(routes);
        registerGauges();
        int concurrency;
        long thinPayloadAbove;
        EndpointLimiter limiter;
        try {
            concurrency = parameters.wholeNumber("concurrency", 8, Integer.MIN_VALUE, Integer.MAX_VALUE);
            thinPayloadAbove = parameters.bytes("thinPayloadAboveBytes", 10 * 1024 * 1024, Integer.MAX_VALUE);
            limiter = new EndpointLimiter(parameters.wholeNumber("hostConcurrency", EndpointLimiter.DEFAULT_PER_HOST, Integer.MIN_VALUE, Integer.MAX_VALUE));
        } catch (IllegalArgumentException e) {
            throw new MessagingException(parameters.locate(e.getMessage()));
        }
        Optional<ParkedMail> parked = breakerSettings.enabled() ? parkedMail() : Optional.empty();
        EndpointBreaker breaker = new EndpointBreaker(parked.isPresent() ? breakerSettings : EndpointBreaker.Settings.OFF, clock);
        consumer = new WebhookQueueConsumer(queue, DelayedRequeue.forQueue(queue, queueFactory, injector), routes, schedule,
            new WebhookSender(guard, VERSION, clock), deadLetters, delivered, concurrency, thinPayloadAbove, clock, metrics,
            limiter, breaker, parked);
        consumer.start();
        LOGGER.info("{} ready: endpoints {} via queue {} ({} consumers), retries {}, breaker {}", getMailetName(),
            routes.get().endpoints(), queueName, concurrency, schedule, parked.isEmpty() ? "off"
                : "after " + breakerSettings.failures() + " failures, probes " + Durations.format(breakerSettings.firstProbe())
                + ".." + Durations.format(breakerSettings.maxProbe()));
    }

    private Supplier<Routes> routes() {
        String routesFile = getInitParameter("routesFile");
        if (routesFile == null || routesFile.isBlank()) {
            Routes fixed = Routes.fromParameters(this::parameter, Routes.SYSTEM_ENV);
            return () -> fixed;
        }
        try {
            RoutesFile file = new RoutesFile(Path.of(routesFile.trim()), clock, RoutesFile.DEFAULT_CHECK_INTERVAL, Routes.SYSTEM_ENV);
            return file::current;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("routesFile: " + e.getMessage(), e);
        }
    }

    /** A configured URL the address policy refuses stops startup, naming the parameter (or the routes file's key). */
    private void checkUrls(Routes configured, SsrfGuard guard) {
        boolean fromFile = parameter("routesFile") != null;
        for (Endpoint endpoint : configured.endpoints()) {
            guard.refusalForUrl(endpoint.url()).ifPresent(refusal -> {
                throw new IllegalArgumentException((fromFile ? "routesFile: endpoints." + endpoint.name() + ".url" : "url") + ": " + refusal);
            });
        }
    }

    /**
     * Where acknowledged deliveries are recorded for the deliveries API ({@code deliveredRepository}; an
     * empty value records none), pruned of records older than the retention.
     */
    private Optional<DeliveredStore> deliveredStore(Duration retention, Duration purgeInterval) throws MessagingException {
        String configured = getInitParameter("deliveredRepository");
        String path = configured == null ? DeliveredStore.DEFAULT_REPOSITORY : configured.trim();
        if (path.isEmpty()) {
            return Optional.empty();
        }
        DeliveredStore store;
        try {
            store = new DeliveredStore(repositoryStore.select(MailRepositoryUrl.from(path)));
        } catch (Exception e) {
            if (configured == null) {
                // A James without file:// repositories (the distributed one) keeps working as before this parameter existed.
                LOGGER.warn("{}: acknowledged deliveries are not recorded: the default <deliveredRepository> {} is not available here ({});"
                    + " set it, e.g. to cassandra://var/mail/mailhook-delivered/", getMailetName(), path, e.getMessage());
                return Optional.empty();
            }
            throw new MessagingException(getMailetName() + ": <deliveredRepository>: " + e.getMessage(), e);
        }
        deliveredPurge = PeriodicTask.start("mailhook-delivered-purge", Duration.ZERO, purgeInterval, () -> {
            try {
                int removed = store.prune(clock.instant(), retention);
                if (removed > 0) {
                    LOGGER.info("delivered records: pruned {} older than {}", removed, Durations.format(retention));
                }
            } catch (Exception e) {
                LOGGER.warn("pruning delivered records failed; it is tried again at the next interval", e);
            }
        });
        return Optional.of(store);
    }

    /**
     * Where mail waits while its endpoint's breaker is open ({@code parkedRepository}, by default
     * {@code file://var/mail/webhook-parked/<queue>/}). Without it the
     * breaker is off: waiting mail must be durable. The default {@code file://} repository is missing
     * from a James without file repositories, which then runs without the breaker, with a warning.
     */
    private Optional<ParkedMail> parkedMail() throws MessagingException {
        String configured = parameter("parkedRepository");
        // One repository per queue: a consumer takes every endpoint parked in its repository as its own.
        String path = configured == null ? ParkedMail.DEFAULT_REPOSITORY + queueName + "/" : configured.trim();
        try {
            return Optional.of(new ParkedMail(repositoryStore.select(MailRepositoryUrl.from(path))));
        } catch (Exception e) {
            if (configured == null) {
                LOGGER.warn("{}: the endpoint breaker is off: the default <parkedRepository> {} is not available here ({});"
                    + " set it, e.g. to cassandra://var/mail/webhook-parked/", getMailetName(), path, e.getMessage());
                return Optional.empty();
            }
            throw new MessagingException(getMailetName() + ": <parkedRepository>: " + e.getMessage(), e);
        }
    }

    /** With {@code instantAddresses} set, addresses minted by {@code POST /mailhook/addresses} are routed too. */
    private Supplier<Routes> withInstantAddresses(Supplier<Routes> configured) throws MessagingException {
        String path = parameter("instantAddresses");
        if (path == null) {
            return configured;
        }
        try {
            InstantAddressStore store = new InstantAddressStore(repositoryStore.select(MailRepositoryUrl.from(path.trim())));
            return new InstantRoutes(configured, store, clock, Duration.ofSeconds(2));
        } catch (Exception e) {
            throw new MessagingException(getMailetName() + ": <instantAddresses>: " + e.getMessage(), e);
        }
    }

    /** Queue depth and stored dead letters, read when metrics are scraped. */
    private void registerGauges() {
        if (gauges == null) {
            return;
        }
        if (queue instanceof ManageableMailQueue manageable) {
            gauges.register(WebhookMetrics.QUEUE_DEPTH_PREFIX + queueName.replaceAll("[^A-Za-z0-9_]", "_"), () -> {
                try {
                    return manageable.getSize();
                } catch (Exception e) {
                    return -1L;
                }
            });
        }
        MailRepository repository = deadLetters;
        gauges.register(WebhookMetrics.DEAD_LETTERS_STORED, () -> {
            try {
                return repository.size();
            } catch (Exception e) {
                return -1L;
            }
        });
    }

    private String parameter(String name) {
        String value = getInitParameter(name);
        return value == null || value.isBlank() ? null : value;
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        String mailhookId = MailAttributes.string(mail, MailAttributes.ID)
            .orElseThrow(() -> new MessagingException("WebhookDelivery needs the mailhook.id attribute: put ToJson before it"));
        if (MailAttributes.string(mail, MailAttributes.JSON).isEmpty()) {
            throw new MessagingException("WebhookDelivery needs the mailhook.json attribute: put ToJson before it");
        }
        Routes.Resolution resolution = routes.get().resolve(mail.getRecipients().stream().map(MailAddress::asString).toList());
        long acceptedAt = ReceivedTime.of(mail, clock).toEpochMilli();
        for (Routes.Delivery delivery : resolution.deliveries()) {
            List<MailAddress> recipients = new ArrayList<>();
            for (Routes.RoutedRecipient recipient : delivery.recipients()) {
                recipients.add(new MailAddress(recipient.address()));
            }
            Mail copy = MailBytes.copy(mail);
            try {
                copy.setRecipients(recipients);
                String endpoint = delivery.endpoint().name();
                DeliveryAttributes.start(copy, endpoint, WebhookIds.forDelivery(mailhookId, endpoint), acceptedAt, WebhookPayload.routeJson(delivery));
                queue.enQueue(copy);
            } finally {
                LifecycleUtil.dispose(copy);
            }
        }
        if (!resolution.unrouted().isEmpty()) {
            handleUnrouted(mail, resolution.unrouted());
        }
        if (!Boolean.parseBoolean(getInitParameter("passThrough", "false"))) {
            mail.setState(Mail.GHOST);
        }
    }

    /** Recipients no route matched go to the unrouted processor, or else to dead letters: never dropped. */
    private void handleUnrouted(Mail mail, Collection<String> unrouted) throws MessagingException {
        List<MailAddress> recipients = new ArrayList<>();
        for (String address : unrouted) {
            recipients.add(new MailAddress(address));
        }
        Mail copy = MailBytes.copy(mail);
        try {
            copy.setRecipients(recipients);
            if (unroutedProcessor != null && !unroutedProcessor.isBlank()) {
                getMailetContext().sendMail(copy, unroutedProcessor);
            } else {
                MailAttributes.set(copy, DeliveryAttributes.DEAD_REASON, "unrouted");
                deadLetters.store(copy);
            }
            LOGGER.warn("no webhook route for {} of mail {}: {}", unrouted, MailAttributes.string(mail, MailAttributes.ID).orElse("?"),
                unroutedProcessor == null ? "kept in dead letters" : "sent to processor " + unroutedProcessor);
        } finally {
            LifecycleUtil.dispose(copy);
        }
    }

    @Override
    public void destroy() {
        if (consumer != null) {
            consumer.stop();
        }
        if (deliveredPurge != null) {
            deliveredPurge.close();
        }
        if (queueName != null) {
            QUEUES_IN_USE.remove(queueName);
        }
    }
}
