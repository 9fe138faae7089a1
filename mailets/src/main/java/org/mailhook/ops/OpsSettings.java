package org.mailhook.ops;

import java.io.FileNotFoundException;
import java.time.Duration;
import java.util.Optional;

import org.apache.commons.configuration2.Configuration;
import org.apache.james.utils.PropertiesProvider;
import org.mailhook.mailets.Repositories;
import org.mailhook.config.Durations;
import org.mailhook.webhook.SsrfGuard;

/**
 * What the WebAdmin routes, health checks and canary need to know about the pipeline, from
 * {@code conf/mailhook.properties} (every key optional; defaults match the shipped mailetcontainer.xml).
 * Keys and defaults: docs/operations.md.
 */
public record OpsSettings(String archiveRepository, String deadLetterRepository, Optional<String> deliveredRepository,
                          String webhookQueue, String addressesRepository, Optional<String> addressesDomain, Duration pullSettle,
                          long deadLettersMax, int failingAttempts, Duration queueMaxAge, SsrfGuard.Policy addressesPolicy) {

    public static OpsSettings defaults() {
        return new OpsSettings(Repositories.ARCHIVE, Repositories.DEAD_LETTERS, Optional.of(Repositories.DELIVERED), Repositories.WEBHOOK_QUEUE,
            Repositories.INSTANT_ADDRESSES, Optional.empty(), Duration.ofSeconds(2), 0, 5, Duration.ofHours(1), SsrfGuard.Policy.strict());
    }

    /** @throws IllegalArgumentException naming the key whose value is wrong */
    public static OpsSettings load(PropertiesProvider properties) {
        Optional<Configuration> file = file(properties);
        if (file.isEmpty()) {
            return defaults();
        }
        Configuration conf = file.get();
        OpsSettings d = defaults();
        return new OpsSettings(
            text(conf, "archive.repository", d.archiveRepository()),
            text(conf, "webhook.deadLetterRepository", d.deadLetterRepository()),
            // present but empty: WebhookDelivery records no deliveries (its deliveredRepository is empty too)
            conf.containsKey("webhook.deliveredRepository")
                ? Optional.ofNullable(conf.getString("webhook.deliveredRepository", null)).map(String::trim).filter(s -> !s.isEmpty())
                : d.deliveredRepository(),
            text(conf, "webhook.queue", d.webhookQueue()),
            text(conf, "addresses.repository", d.addressesRepository()),
            Optional.ofNullable(conf.getString("addresses.domain", null)).map(String::trim).filter(s -> !s.isEmpty()),
            duration(conf, "pull.settle", d.pullSettle()),
            conf.getLong("health.deadLetters.max", d.deadLettersMax()),
            conf.getInt("health.endpoint.failingAttempts", d.failingAttempts()),
            duration(conf, "health.queue.maxAge", d.queueMaxAge()),
            addressesPolicy(conf));
    }

    /** What minted URLs may reach: {@code webhook.allowLoopback}, {@code .allowPrivate}, {@code .allowCidrs}, as WebhookDelivery's parameters. */
    private static SsrfGuard.Policy addressesPolicy(Configuration conf) {
        try {
            return SsrfGuard.Policy.fromParameters(key -> conf.getString("webhook." + key, null));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("mailhook.properties: webhook." + e.getMessage(), e);
        }
    }

    /** conf/mailhook.properties, or empty when there is none. */
    static Optional<Configuration> file(PropertiesProvider properties) {
        try {
            return Optional.of(properties.getConfiguration("mailhook"));
        } catch (FileNotFoundException e) {
            return Optional.empty();
        } catch (Exception e) {
            throw new IllegalArgumentException("mailhook.properties: " + e.getMessage(), e);
        }
    }

    static String text(Configuration conf, String key, String defaultValue) {
        String value = conf.getString(key, null);
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }

    static Duration duration(Configuration conf, String key, Duration defaultValue) {
        String value = conf.getString(key, null);
        return value == null || value.isBlank() ? defaultValue : Durations.parse(value, key);
    }
}
