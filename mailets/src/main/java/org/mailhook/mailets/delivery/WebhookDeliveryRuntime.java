package org.mailhook.mailets.delivery;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.mailhook.config.Durations;
import org.mailhook.mailets.MailAttributes;
import org.mailhook.mailets.MailBytes;
import org.mailhook.mailets.PeriodicTask;
import org.mailhook.mailets.Repositories;
import org.mailhook.mailets.ReceivedTime;
import org.mailhook.ops.MailhookSettings;
import org.mailhook.webhook.AttachmentLinks;
import org.mailhook.webhook.EndpointBreaker;
import org.mailhook.webhook.EndpointLimiter;
import org.mailhook.webhook.Routes;
import org.mailhook.webhook.ServerKey;
import org.mailhook.webhook.SsrfGuard;
import org.mailhook.webhook.WebhookIds;
import org.mailhook.webhook.WebhookPayload;
import org.mailhook.webhook.WebhookSender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.inject.Injector;

import okhttp3.Dns;

/**
 * What one WebhookDelivery mailet runs, built from its {@link WebhookDeliveryConfiguration}: the durable
 * queue and its consumer (sender, retries, breaker and parking), the dead-letter, delivered-record and
 * instant-address repositories, and the gauges. {@link #enqueue} hands a mail's copies to the queue.
 */
public final class WebhookDeliveryRuntime implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(WebhookDeliveryRuntime.class);
    /** Queue names in use in this JVM: two mailets sharing a queue would take each other's mail. */
    private static final Set<String> QUEUES_IN_USE = ConcurrentHashMap.newKeySet();
    /** Attributes whose text the JSON document embeds ({@code auth}, {@code security}, {@code spam}) or sums up. */
    private static final List<AttributeName> EMBEDDED_IN_JSON =
        List.of(MailAttributes.AUTH, MailAttributes.SECURITY, MailAttributes.SPAM, MailAttributes.SUMMARY);
    static final String VERSION = "0.1";

    /** The James services a runtime is built over; gauges and injector may be null in tests. */
    public record Services(MailQueueFactory<?> queueFactory, MailRepositoryStore repositories, Clock clock, Dns dns,
                           WebhookMetrics metrics, GaugeRegistry gauges, Injector injector) {
    }

    private final WebhookDeliveryConfiguration config;
    private final Clock clock;
    private final MailQueue queue;
    private final MailRepository deadLetters;
    private final Supplier<Routes> routes;
    private Optional<InstantRoutes> instantRoutes = Optional.empty();
    private final WebhookQueueConsumer consumer;
    private RunningDeliveries.Running running;
    /** Where this runtime is listed for the routes; empty in tests that run it without Guice. */
    private Optional<RunningDeliveries> runningDeliveries = Optional.empty();
    private PeriodicTask deliveredPurge;

    private WebhookDeliveryRuntime(WebhookDeliveryConfiguration config, Services services) throws MessagingException {
        this.config = config;
        this.clock = services.clock();
        String name = config.mailetName();
        if (!QUEUES_IN_USE.add(config.queue())) {
            throw new MessagingException(name + ": <queue> '" + config.queue()
                + "' is already used by another WebhookDelivery mailet; give each one its own <queue>");
        }
        try {
            queue = services.queueFactory().createQueue(MailQueueName.of(config.queue()));
            deadLetters = repository(services, "deadLetterRepository", config.deadLetterRepository());
            Optional<DeliveredStore> delivered = deliveredStore(services);
            routes = withInstantAddresses(services, config.routes());
            registerGauges(services.gauges());
            EndpointBreaker.Settings breakerSettings = config.breaker();
            Optional<ParkedMail> parked = breakerSettings.enabled() ? parkedMail(services) : Optional.empty();
            EndpointBreaker breaker = new EndpointBreaker(parked.isPresent() ? breakerSettings : EndpointBreaker.Settings.OFF, clock);
            SsrfGuard guard = new SsrfGuard(config.urlPolicy(), services.dns());
            consumer = new WebhookQueueConsumer(queue, DelayedRequeue.forQueue(queue, services.queueFactory(), services.injector()),
                routes, config.schedule(), new WebhookSender(guard, VERSION, clock), deadLetters, delivered, config.concurrency(),
                config.thinPayloadAbove(), clock, services.metrics(), new EndpointLimiter(config.hostConcurrency()), breaker, parked);
            attachmentLinks(services).ifPresent(links -> consumer.signAttachmentLinks(links::addTo));
            consumer.start();
            running = new RunningDeliveries.Running(breaker, routes);
            runningDeliveries = Optional.ofNullable(services.injector()).map(injector -> injector.getInstance(RunningDeliveries.class));
            runningDeliveries.ifPresent(registry -> registry.register(config.queue(), running));
            LOGGER.info("{} ready: endpoints {} via queue {} ({} consumers), retries {}, breaker {}", name,
                routes.get().endpoints(), config.queue(), config.concurrency(), config.schedule(), parked.isEmpty() ? "off"
                    : "after " + breakerSettings.failures() + " failures, probes " + Durations.format(breakerSettings.firstProbe())
                    + ".." + Durations.format(breakerSettings.maxProbe()));
        } catch (MessagingException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Opens the repositories and the queue and starts the consumer. */
    public static WebhookDeliveryRuntime start(WebhookDeliveryConfiguration config, Services services) throws MessagingException {
        return new WebhookDeliveryRuntime(config, services);
    }

    private MailRepository repository(Services services, String parameter, String url) throws MessagingException {
        try {
            return services.repositories().select(MailRepositoryUrl.from(url));
        } catch (Exception e) {
            throw new MessagingException(config.mailetName() + ": <" + parameter + ">: " + e.getMessage(), e);
        }
    }

    /**
     * Where acknowledged deliveries are recorded for the deliveries API ({@code deliveredRepository}; an
     * empty value records none), pruned of records older than the retention.
     */
    private Optional<DeliveredStore> deliveredStore(Services services) throws MessagingException {
        if (config.deliveredRepository().isEmpty()) {
            return Optional.empty();
        }
        String path = config.deliveredRepository().get();
        DeliveredStore store;
        try {
            store = new DeliveredStore(services.repositories().select(MailRepositoryUrl.from(path)));
        } catch (Exception e) {
            if (!config.deliveredRepositoryConfigured()) {
                // A James without mailhook:// repositories (the distributed one) keeps working as before this parameter existed.
                LOGGER.warn("{}: acknowledged deliveries are not recorded: the default <deliveredRepository> {} is not available here ({});"
                    + " set it, e.g. to cassandra://var/mail/mailhook-delivered/", config.mailetName(), path, e.getMessage());
                return Optional.empty();
            }
            throw new MessagingException(config.mailetName() + ": <deliveredRepository>: " + e.getMessage(), e);
        }
        Duration retention = config.deliveredRetention();
        deliveredPurge = PeriodicTask.start("mailhook-delivered-purge", Duration.ZERO, config.deliveredPurgeInterval(), () -> {
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
     * {@code mailhook://var/mail/webhook-parked/<queue>/}). Without it the breaker is off: waiting mail must be
     * durable. The default {@code file://} repository is missing from a James without file repositories,
     * which then runs without the breaker, with a warning.
     */
    private Optional<ParkedMail> parkedMail(Services services) throws MessagingException {
        // One repository per queue: a consumer takes every endpoint parked in its repository as its own.
        String path = config.parkedRepository().orElse(Repositories.PARKED_PREFIX + config.queue() + "/");
        try {
            return Optional.of(new ParkedMail(services.repositories().select(MailRepositoryUrl.from(path))));
        } catch (Exception e) {
            if (config.parkedRepository().isEmpty()) {
                LOGGER.warn("{}: the endpoint breaker is off: the default <parkedRepository> {} is not available here ({});"
                    + " set it, e.g. to cassandra://var/mail/webhook-parked/", config.mailetName(), path, e.getMessage());
                return Optional.empty();
            }
            throw new MessagingException(config.mailetName() + ": <parkedRepository>: " + e.getMessage(), e);
        }
    }

    /**
     * The server key of mailhook.properties ({@code secrets.keyFile}), which the WebAdmin routes read too:
     * it opens instant-address secrets and signs attachment links.
     */
    private static Optional<ServerKey> serverKey(Services services) {
        return services.injector() == null ? Optional.empty() : services.injector().getInstance(MailhookSettings.class).serverKey();
    }

    /** With {@code attachmentLinkBase} set, each attachment of a payload gets a signed link that expires. */
    private Optional<AttachmentLinks> attachmentLinks(Services services) throws MessagingException {
        if (config.attachmentLinkBase().isEmpty()) {
            return Optional.empty();
        }
        ServerKey key = serverKey(services).orElseThrow(() -> new MessagingException(config.mailetName()
            + ": <attachmentLinkBase>: signed links need the server key: set secrets.keyFile in mailhook.properties"));
        return Optional.of(new AttachmentLinks(key, config.attachmentLinkBase().get(), config.attachmentLinkLifetime(), clock));
    }

    /** With {@code instantAddresses} set, addresses minted by {@code POST /mailhook/addresses} are routed too. */
    private Supplier<Routes> withInstantAddresses(Services services, Supplier<Routes> configured) throws MessagingException {
        if (config.instantAddresses().isEmpty()) {
            return configured;
        }
        InstantAddressStore store = new InstantAddressStore(repository(services, "instantAddresses", config.instantAddresses().get()),
            serverKey(services));
        InstantRoutes merged = new InstantRoutes(configured, store, clock, Duration.ofSeconds(2));
        instantRoutes = Optional.of(merged);
        return merged;
    }

    /** Queue depth and stored dead letters, read when metrics are scraped. */
    private void registerGauges(GaugeRegistry gauges) {
        if (gauges == null) {
            return;
        }
        if (queue instanceof ManageableMailQueue manageable) {
            gauges.register(WebhookMetrics.QUEUE_DEPTH_PREFIX + config.queue().replaceAll("[^A-Za-z0-9_]", "_"), () -> {
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

    /**
     * Whether a route or a minted address covers {@code address}, for the SMTP recipient check
     * ({@code RoutedRecipients}); an address minted a moment ago counts ({@link InstantRoutes#forRecipients}).
     */
    public boolean covers(String address) {
        List<String> recipient = List.of(address);
        return routesFor(recipient).resolve(recipient).unrouted().isEmpty();
    }

    private Routes routesFor(List<String> recipients) {
        return instantRoutes.map(table -> table.forRecipients(recipients)).orElseGet(routes::get);
    }

    /**
     * Routes the mail and puts one copy per endpoint on the queue; recipients no route matched go to the
     * unrouted processor, or else to dead letters: never dropped.
     */
    public void enqueue(Mail mail, MailetContext context) throws MessagingException {
        String mailhookId = MailAttributes.string(mail, MailAttributes.ID)
            .orElseThrow(() -> new MessagingException("WebhookDelivery needs the mailhook.id attribute: put ToJson before it"));
        if (MailAttributes.string(mail, MailAttributes.JSON).isEmpty()) {
            throw new MessagingException("WebhookDelivery needs the mailhook.json attribute: put ToJson before it");
        }
        List<String> addresses = mail.getRecipients().stream().map(MailAddress::asString).toList();
        Routes.Resolution resolution = routesFor(addresses).resolve(addresses);
        long acceptedAt = ReceivedTime.of(mail, clock).toEpochMilli();
        for (Routes.Delivery delivery : resolution.deliveries()) {
            List<MailAddress> recipients = new ArrayList<>();
            for (Routes.RoutedRecipient recipient : delivery.recipients()) {
                recipients.add(new MailAddress(recipient.address()));
            }
            Mail copy = MailBytes.copy(mail);
            try {
                copy.setRecipients(recipients);
                // Already sections of the JSON document: queued again, they would only be re-encoded at every (re)enqueue.
                EMBEDDED_IN_JSON.forEach(copy::removeAttribute);
                String endpoint = delivery.endpoint().name();
                DeliveryAttributes.start(copy, endpoint, WebhookIds.forDelivery(mailhookId, endpoint), acceptedAt, WebhookPayload.routeJson(delivery));
                queue.enQueue(copy);
            } finally {
                LifecycleUtil.dispose(copy);
            }
        }
        if (!resolution.unrouted().isEmpty()) {
            handleUnrouted(mail, resolution.unrouted(), context);
        }
    }

    private void handleUnrouted(Mail mail, Collection<String> unrouted, MailetContext context) throws MessagingException {
        List<MailAddress> recipients = new ArrayList<>();
        for (String address : unrouted) {
            recipients.add(new MailAddress(address));
        }
        Optional<String> processor = config.unroutedProcessor();
        Mail copy = MailBytes.copy(mail);
        try {
            copy.setRecipients(recipients);
            if (processor.isPresent()) {
                context.sendMail(copy, processor.get());
            } else {
                MailAttributes.set(copy, DeliveryAttributes.DEAD_REASON, "unrouted");
                deadLetters.store(copy);
            }
            LOGGER.warn("no webhook route for {} of mail {}: {}", unrouted, MailAttributes.string(mail, MailAttributes.ID).orElse("?"),
                processor.map(p -> "sent to processor " + p).orElse("kept in dead letters"));
        } finally {
            LifecycleUtil.dispose(copy);
        }
    }

    /** Stops the consumer and the purge and frees the queue name. */
    @Override
    public void close() {
        if (consumer != null) {
            consumer.stop();
        }
        if (deliveredPurge != null) {
            deliveredPurge.close();
        }
        if (running != null) {
            runningDeliveries.ifPresent(registry -> registry.remove(config.queue(), running));
        }
        QUEUES_IN_USE.remove(config.queue());
    }
}
