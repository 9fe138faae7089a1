package org.mailhook.mailets.delivery;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

import javax.mail.MessagingException;

import org.apache.mailet.MailetConfig;
import org.mailhook.config.ParameterValues;
import org.mailhook.mailets.Repositories;
import org.mailhook.webhook.Endpoint;
import org.mailhook.webhook.AttachmentLinks;
import org.mailhook.webhook.EndpointBreaker;
import org.mailhook.webhook.EndpointLimiter;
import org.mailhook.webhook.RetrySchedule;
import org.mailhook.webhook.Routes;
import org.mailhook.webhook.RoutesFile;
import org.mailhook.webhook.SsrfGuard;

import okhttp3.Dns;

/**
 * WebhookDelivery's parameters, read and checked once when the mailet starts, in the shape of James'
 * {@code RemoteDeliveryConfiguration}: every parameter with its default, every error naming the mailet,
 * the parameter, the value and the allowed form. Parameters: docs/webhooks.md.
 */
public final class WebhookDeliveryConfiguration {
    public static final int DEFAULT_CONCURRENCY = 8;
    public static final long DEFAULT_THIN_PAYLOAD_ABOVE = 10 * 1024 * 1024;
    public static final Duration DEFAULT_LINK_LIFETIME = Duration.ofHours(1);

    private final String mailetName;
    private final Supplier<Routes> routes;
    private final RetrySchedule schedule;
    private final EndpointBreaker.Settings breaker;
    private final SsrfGuard.Policy urlPolicy;
    private final String queue;
    private final String deadLetterRepository;
    private final Optional<String> deliveredRepository;
    private final boolean deliveredRepositoryConfigured;
    private final Duration deliveredRetention;
    private final Duration deliveredPurgeInterval;
    private final Optional<String> parkedRepository;
    private final Optional<String> instantAddresses;
    private final Optional<String> unroutedProcessor;
    private final int concurrency;
    private final int hostConcurrency;
    private final long thinPayloadAbove;
    private final boolean passThrough;
    private final Optional<String> attachmentLinkBase;
    private final Duration attachmentLinkLifetime;

    /**
     * @param clock the clock a routes file is re-read by
     * @throws MessagingException naming the mailet, the parameter and what is wrong (never a secret)
     */
    public WebhookDeliveryConfiguration(MailetConfig config, Clock clock) throws MessagingException {
        mailetName = config.getMailetName();
        ParameterValues parameters = ParameterValues.ofMailet(mailetName, config::getInitParameter);
        try {
            // The engines name the parameter (and never show a secret); locate() adds the mailet.
            Optional<String> routesFile = parameters.text("routesFile");
            routes = routes(routesFile, parameters, clock);
            schedule = RetrySchedule.fromParameters(config::getInitParameter);
            breaker = EndpointBreaker.Settings.fromParameters(config::getInitParameter);
            urlPolicy = SsrfGuard.Policy.fromParameters(config::getInitParameter);
            checkUrls(routes.get(), routesFile.isPresent());
            queue = parameters.text("queue", Repositories.WEBHOOK_QUEUE);
            deadLetterRepository = parameters.text("deadLetterRepository", Repositories.DEAD_LETTERS);
            String delivered = config.getInitParameter("deliveredRepository");
            deliveredRepositoryConfigured = delivered != null;
            deliveredRepository = deliveredRepository(delivered);
            deliveredRetention = parameters.duration("deliveredRetention", DeliveredStore.DEFAULT_RETENTION);
            deliveredPurgeInterval = parameters.duration("deliveredPurgeInterval", Duration.ofHours(1));
            parkedRepository = parameters.text("parkedRepository");
            instantAddresses = parameters.text("instantAddresses");
            unroutedProcessor = parameters.text("unroutedProcessor");
            concurrency = parameters.wholeNumber("concurrency", DEFAULT_CONCURRENCY, 1, 1000);
            hostConcurrency = parameters.wholeNumber("hostConcurrency", EndpointLimiter.DEFAULT_PER_HOST, 1, 1000);
            thinPayloadAbove = parameters.bytes("thinPayloadAboveBytes", DEFAULT_THIN_PAYLOAD_ABOVE, 0, Integer.MAX_VALUE);
            passThrough = parameters.flag("passThrough", false);
            attachmentLinkBase = parameters.text("attachmentLinkBase").map(String::trim).filter(base -> !base.isEmpty());
            attachmentLinkBase.ifPresent(base -> {
                if (okhttp3.HttpUrl.parse(base) == null) {
                    throw new IllegalArgumentException("attachmentLinkBase: '" + base + "' is not an http(s) URL");
                }
            });
            attachmentLinkLifetime = parameters.duration("attachmentLinkLifetime", DEFAULT_LINK_LIFETIME);
            if (attachmentLinkLifetime.isZero() || attachmentLinkLifetime.compareTo(AttachmentLinks.MAX_LIFETIME) > 0) {
                throw new IllegalArgumentException("attachmentLinkLifetime: must be above 0 and at most 7d");
            }
        } catch (IllegalArgumentException e) {
            throw new MessagingException(parameters.locate(e.getMessage()));
        }
    }

    private static Supplier<Routes> routes(Optional<String> routesFile, ParameterValues parameters, Clock clock) {
        if (routesFile.isEmpty()) {
            Routes fixed = Routes.fromParameters(name -> parameters.text(name).orElse(null), Routes.SYSTEM_ENV);
            return () -> fixed;
        }
        try {
            RoutesFile file = new RoutesFile(Path.of(routesFile.get()), clock, RoutesFile.DEFAULT_CHECK_INTERVAL, Routes.SYSTEM_ENV);
            return file::current;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("routesFile: " + e.getMessage(), e);
        }
    }

    /** A configured URL the address policy refuses stops startup, naming the parameter (or the routes file's key). */
    private void checkUrls(Routes configured, boolean fromFile) {
        // Only literal addresses are judged here; no name is resolved.
        SsrfGuard guard = new SsrfGuard(urlPolicy, Dns.SYSTEM);
        for (Endpoint endpoint : configured.endpoints()) {
            guard.refusalForUrl(endpoint.url()).ifPresent(refusal -> {
                throw new IllegalArgumentException((fromFile ? "routesFile: endpoints." + endpoint.name() + ".url" : "url") + ": " + refusal);
            });
        }
    }

    public String mailetName() {
        return mailetName;
    }

    /** The routes, re-read from {@code routesFile} when it changes. */
    public Supplier<Routes> routes() {
        return routes;
    }

    public RetrySchedule schedule() {
        return schedule;
    }

    public EndpointBreaker.Settings breaker() {
        return breaker;
    }

    public SsrfGuard.Policy urlPolicy() {
        return urlPolicy;
    }

    public String queue() {
        return queue;
    }

    public String deadLetterRepository() {
        return deadLetterRepository;
    }

    /** Where acknowledged deliveries are recorded; empty when {@code deliveredRepository} is set empty. */
    public Optional<String> deliveredRepository() {
        return deliveredRepository;
    }

    /** Whether {@code deliveredRepository} was given (else a missing default repository only warns). */
    public boolean deliveredRepositoryConfigured() {
        return deliveredRepositoryConfigured;
    }

    public Duration deliveredRetention() {
        return deliveredRetention;
    }

    public Duration deliveredPurgeInterval() {
        return deliveredPurgeInterval;
    }

    /**
     * The {@code deliveredRepository} a parameter value names: the default when absent, none when present
     * but empty (a blank value is "set" here, unlike other parameters); mailhook.properties reads its key so too.
     */
    public static Optional<String> deliveredRepository(String parameter) {
        return parameter == null ? Optional.of(Repositories.DELIVERED) : Optional.of(parameter.trim()).filter(path -> !path.isEmpty());
    }

    /** The configured {@code parkedRepository}; when empty, one per queue under {@link Repositories#PARKED_PREFIX}. */
    public Optional<String> parkedRepository() {
        return parkedRepository;
    }

    public Optional<String> instantAddresses() {
        return instantAddresses;
    }

    public Optional<String> unroutedProcessor() {
        return unroutedProcessor;
    }

    public int concurrency() {
        return concurrency;
    }

    public int hostConcurrency() {
        return hostConcurrency;
    }

    public long thinPayloadAbove() {
        return thinPayloadAbove;
    }

    public boolean passThrough() {
        return passThrough;
    }

    /** WebAdmin as receivers reach it; empty: payloads carry no signed attachment links. */
    public Optional<String> attachmentLinkBase() {
        return attachmentLinkBase;
    }

    public Duration attachmentLinkLifetime() {
        return attachmentLinkLifetime;
    }
}
