package org.mailhook.ops;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.james.utils.PropertiesProvider;
import org.mailhook.config.ParameterValues;
import org.mailhook.mailets.Archive;
import org.mailhook.mailets.Repositories;
import org.mailhook.mailets.WebhookDelivery;
import org.mailhook.mailets.delivery.WebhookDeliveryConfiguration;
import org.mailhook.webhook.ServerKey;
import org.mailhook.webhook.SsrfGuard;

/**
 * Every key of {@code conf/mailhook.properties}, read once per James (a Guice singleton: the WebAdmin
 * routes, health checks, canary and free-space monitor share it) through {@link ParameterValues}, so a
 * bad value stops startup naming the file and the key. Every key is optional; repositories and the
 * queue default to {@link Repositories}. Keys and defaults: docs/operations.md.
 *
 * <p>The repositories and the queue are also named by the mailets in {@code mailetcontainer.xml}; a
 * mailet that names another one than this file stops startup naming both files and keys
 * ({@link #checkAgreesWith}).
 */
@Singleton
public final class MailhookSettings {
    public static final String FILE = "mailhook.properties";
    public static final String MIN_FREE_BYTES = "smtp.minFreeBytes";
    public static final String SERVER_KEY_FILE = "secrets.keyFile";
    public static final String CONSUMER_TOKENS_FILE = "consumer.tokensFile";
    private static final String MAILETS = "mailetcontainer.xml";

    private final ParameterValues values;
    private final String archiveRepository;
    private final String deadLetterRepository;
    private final Optional<String> deliveredRepository;
    private final String parkedRepository;
    private final String webhookQueue;
    private final String addressesRepository;
    private final String quarantineRepository;
    private final Optional<String> addressesDomain;
    private final SsrfGuard.Policy addressesPolicy;
    private final List<String> allowedHosts;
    private final Duration pullSettle;
    private final long deadLettersMax;
    private final int failingAttempts;
    private final Duration queueMaxAge;
    private final OptionalLong minFreeBytes;
    private final Canary.Settings canary;
    private final DnsDriftWatcher.Settings drift;
    private final Optional<ServerKey> serverKey;
    private final List<RepositoryRetention.Kept> retention;
    private final Duration retentionInterval;
    private final List<ConsumerToken> consumerTokens;

    @Inject
    public MailhookSettings(PropertiesProvider properties, ConfigurationProvider configurations) {
        this(file(properties));
        checkAgreesWith(mailetContainer(configurations));
    }

    /**
     * @param file the value of each key as written (blank: not set), {@code null} when absent
     * @throws IllegalArgumentException naming mailhook.properties and the key whose value is wrong
     */
    public MailhookSettings(Function<String, String> file) {
        values = ParameterValues.ofFile(FILE, file);
        archiveRepository = values.text("archive.repository", Repositories.ARCHIVE);
        deadLetterRepository = values.text("webhook.deadLetterRepository", Repositories.DEAD_LETTERS);
        // As WebhookDelivery's parameter: present but empty means no delivered records.
        deliveredRepository = WebhookDeliveryConfiguration.deliveredRepository(file.apply("webhook.deliveredRepository"));
        webhookQueue = values.text("webhook.queue", Repositories.WEBHOOK_QUEUE);
        parkedRepository = values.text("webhook.parkedRepository", Repositories.PARKED_PREFIX + webhookQueue + "/");
        addressesRepository = values.text("addresses.repository", Repositories.INSTANT_ADDRESSES);
        quarantineRepository = values.text("quarantine.repository", Repositories.QUARANTINE);
        addressesDomain = values.text("addresses.domain");
        addressesPolicy = addressesPolicy(file);
        allowedHosts = values.text("webadmin.allowedHosts")
            .map(hosts -> Arrays.stream(hosts.split("[\\s,]+")).filter(host -> !host.isEmpty()).toList()).orElse(List.of());
        pullSettle = values.duration("pull.settle", Duration.ofSeconds(2));
        deadLettersMax = values.wholeNumber("health.deadLetters.max", 0L, 0L, Long.MAX_VALUE);
        failingAttempts = values.wholeNumber("health.endpoint.failingAttempts", 5, 1, Integer.MAX_VALUE);
        queueMaxAge = values.duration("health.queue.maxAge", Duration.ofHours(1));
        minFreeBytes = values.text(MIN_FREE_BYTES).isPresent() ? OptionalLong.of(values.bytes(MIN_FREE_BYTES, 0)) : OptionalLong.empty();
        canary = new Canary.Settings(values.flag("canary.enabled", false),
            values.duration("canary.interval", Duration.ofMinutes(5)),
            values.duration("canary.timeout", Duration.ofMinutes(2)),
            values.text("canary.smtpHost", "127.0.0.1"),
            values.wholeNumber("canary.smtpPort", 25, 1, 65535),
            values.text("canary.to", "canary@" + addressesDomain.orElse("localhost")));
        drift = DnsDriftWatcher.Settings.parse(values, addressesPolicy);
        retention = List.of(
            new RepositoryRetention.Kept("dead_letters", deadLetterRepository, kept("retention.deadLetters")),
            new RepositoryRetention.Kept("quarantine", quarantineRepository, kept("retention.quarantine")),
            new RepositoryRetention.Kept("error", values.text("error.repository", Repositories.ERROR), kept("retention.error")),
            new RepositoryRetention.Kept("unrouted", values.text("unrouted.repository", Repositories.UNROUTED), kept("retention.unrouted")));
        retentionInterval = kept("retention.interval", Duration.ofMinutes(15));
        consumerTokens = readConsumerTokens();
        serverKey = values.text(SERVER_KEY_FILE).map(path -> {
            try {
                return ServerKey.read(Path.of(path), new SecureRandom());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(FILE + ": " + SERVER_KEY_FILE + ": " + e.getMessage(), e);
            }
        });
    }

    /**
     * {@code consumer.tokensFile}: lines {@code <endpoint> <SHA-256 of a token, hex>} ({@code #} comments);
     * the tokens themselves are never stored.
     */
    private List<ConsumerToken> readConsumerTokens() {
        Optional<String> path = values.text(CONSUMER_TOKENS_FILE);
        if (path.isEmpty()) {
            return List.of();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of(path.get()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw values.invalid(CONSUMER_TOKENS_FILE, path.get(), "a readable file (" + e.getMessage() + ")");
        }
        List<ConsumerToken> tokens = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\\s+");
            if (fields.length != 2 || !fields[1].matches("[0-9a-fA-F]{64}")) {
                throw values.invalid(CONSUMER_TOKENS_FILE, path.get(), "lines of '<endpoint> <SHA-256 of the token, 64 hex digits>' (line "
                    + (i + 1) + ")");
            }
            tokens.add(new ConsumerToken(fields[0], fields[1].toLowerCase(java.util.Locale.ROOT)));
        }
        return List.copyOf(tokens);
    }

    private Duration kept(String key) {
        return kept(key, Duration.ofDays(30));
    }

    /** A retention or its interval: a duration above zero. */
    private Duration kept(String key, Duration defaultValue) {
        Duration value = values.duration(key, defaultValue);
        if (value.isZero() || value.isNegative()) {
            throw values.invalid(key, values.text(key).orElse(""), "a duration above 0 (e.g. 30d, 12h)");
        }
        return value;
    }

    /** Every key at its default (no mailhook.properties). */
    public static MailhookSettings defaults() {
        return new MailhookSettings(key -> null);
    }

    /** What minted URLs may reach: {@code webhook.allowLoopback}, {@code .allowPrivate}, {@code .allowCidrs}, as WebhookDelivery's parameters. */
    private static SsrfGuard.Policy addressesPolicy(Function<String, String> file) {
        try {
            return SsrfGuard.Policy.fromParameters(key -> file.apply("webhook." + key));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(FILE + ": webhook." + e.getMessage(), e);
        }
    }

    /** conf/mailhook.properties as written, or no keys when there is none. */
    public static Function<String, String> file(PropertiesProvider properties) {
        Configuration conf;
        try {
            conf = properties.getConfiguration("mailhook");
        } catch (FileNotFoundException e) {
            return key -> null;
        } catch (Exception e) {
            throw new IllegalArgumentException(FILE + ": " + e.getMessage(), e);
        }
        // James' PropertiesProvider splits values at commas: joined again, a list reads as written.
        return key -> conf.containsKey(key) ? String.join(",", conf.getStringArray(key)) : null;
    }

    private static HierarchicalConfiguration<ImmutableNode> mailetContainer(ConfigurationProvider configurations) {
        try {
            return configurations.getConfiguration("mailetcontainer");
        } catch (Exception e) {
            throw new IllegalArgumentException(MAILETS + ": " + e.getMessage(), e);
        }
    }

    /**
     * Every Archive mailet must write {@code archive.repository}; the WebhookDelivery mailets must use
     * {@code webhook.queue}, and those on it its dead-letter, delivered and instant-address repositories.
     *
     * @throws IllegalArgumentException naming mailhook.properties, mailetcontainer.xml, the key and the parameter
     */
    void checkAgreesWith(HierarchicalConfiguration<ImmutableNode> mailetContainer) {
        List<HierarchicalConfiguration<ImmutableNode>> mailets = new ArrayList<>();
        for (HierarchicalConfiguration<ImmutableNode> processor : mailetContainer.configurationsAt("processors.processor")) {
            mailets.addAll(processor.configurationsAt("mailet"));
        }
        List<String> queues = new ArrayList<>();
        for (HierarchicalConfiguration<ImmutableNode> mailet : mailets) {
            String className = mailet.getString("[@class]", "");
            ParameterValues parameters = ParameterValues.of(name -> mailet.getString(name, null));
            if (className.equals(Archive.class.getName())) {
                agree("archive.repository", archiveRepository, "Archive", "repositoryPath",
                    parameters.text("repositoryPath", Repositories.ARCHIVE));
            } else if (className.equals(WebhookDelivery.class.getName())) {
                String queue = parameters.text("queue", Repositories.WEBHOOK_QUEUE);
                queues.add(queue);
                if (queue.equals(webhookQueue)) {
                    agree("webhook.deadLetterRepository", deadLetterRepository, "WebhookDelivery", "deadLetterRepository",
                        parameters.text("deadLetterRepository", Repositories.DEAD_LETTERS));
                    agree("webhook.deliveredRepository", deliveredRepository.orElse(""), "WebhookDelivery", "deliveredRepository",
                        WebhookDeliveryConfiguration.deliveredRepository(mailet.getString("deliveredRepository", null)).orElse(""));
                    agree("webhook.parkedRepository", parkedRepository, "WebhookDelivery", "parkedRepository",
                        parameters.text("parkedRepository", Repositories.PARKED_PREFIX + queue + "/"));
                    parameters.text("instantAddresses").ifPresent(addresses ->
                        agree("addresses.repository", addressesRepository, "WebhookDelivery", "instantAddresses", addresses));
                }
            }
        }
        if (!queues.isEmpty() && !queues.contains(webhookQueue)) {
            throw new IllegalArgumentException(FILE + ": webhook.queue: '" + webhookQueue + "' is not the <queue> of any WebhookDelivery in "
                + MAILETS + " (" + String.join(", ", queues) + "): name the same queue in both");
        }
    }

    private static void agree(String key, String value, String mailet, String parameter, String mailetValue) {
        if (!Objects.equals(value, mailetValue)) {
            throw new IllegalArgumentException(FILE + ": " + key + ": '" + value + "' is not what " + MAILETS + " " + mailet + " <" + parameter
                + "> names ('" + mailetValue + "'): name the same repository in both");
        }
    }

    /**
     * An entry of a key that only its user can judge (e.g. a host name of {@code webadmin.allowedHosts}) is wrong.
     *
     * @return an error in the style of every other key's: {@code mailhook.properties: key: 'value' is not form}
     */
    public IllegalArgumentException invalid(String key, String value, String form) {
        return values.invalid(key, value, form);
    }

    public String archiveRepository() {
        return archiveRepository;
    }

    public String deadLetterRepository() {
        return deadLetterRepository;
    }

    /** Where WebhookDelivery parks mail for an endpoint whose breaker is open (one per queue by default). */
    public String parkedRepository() {
        return parkedRepository;
    }

    /** Empty when {@code webhook.deliveredRepository} is present and empty: deliveries are not recorded. */
    public Optional<String> deliveredRepository() {
        return deliveredRepository;
    }

    public String webhookQueue() {
        return webhookQueue;
    }

    public String addressesRepository() {
        return addressesRepository;
    }

    /** QuarantineAttachments' {@code repositoryPath}: what the quarantine routes list, release and drop. */
    public String quarantineRepository() {
        return quarantineRepository;
    }

    /** The domain of minted instant addresses; empty: minting is refused. */
    public Optional<String> addressesDomain() {
        return addressesDomain;
    }

    public SsrfGuard.Policy addressesPolicy() {
        return addressesPolicy;
    }

    /** The entries of {@code webadmin.allowedHosts} (comma or space separated), unparsed. */
    public List<String> allowedHosts() {
        return allowedHosts;
    }

    public Duration pullSettle() {
        return pullSettle;
    }

    public long deadLettersMax() {
        return deadLettersMax;
    }

    public int failingAttempts() {
        return failingAttempts;
    }

    public Duration queueMaxAge() {
        return queueMaxAge;
    }

    /** {@code smtp.minFreeBytes}; empty when not set (the free-space monitor then derives it from smtpserver.xml). */
    public OptionalLong minFreeBytes() {
        return minFreeBytes;
    }

    public Canary.Settings canary() {
        return canary;
    }

    /** {@code drift.*}: the DNS drift watch; its endpoint is judged by the same address policy as minted URLs. */
    public DnsDriftWatcher.Settings drift() {
        return drift;
    }

    /**
     * The server key ({@code secrets.keyFile}, read at startup): seals instant-address secrets and signs
     * attachment links. Empty when not set: secrets of instant addresses are refused.
     */
    public Optional<ServerKey> serverKey() {
        return serverKey;
    }

    /** A consumer's read-only token for the messages routed to {@code endpoint}, known by its SHA-256 only. */
    public record ConsumerToken(String endpoint, String sha256Hex) {
    }

    /** {@code consumer.tokensFile}'s tokens; none when not set. */
    public List<ConsumerToken> consumerTokens() {
        return consumerTokens;
    }

    /** Dead letters, quarantine, error and unrouted repositories with their {@code retention.*}. */
    public List<RepositoryRetention.Kept> retention() {
        return retention;
    }

    /** {@code retention.interval}: how often expired mail is removed and the repository metrics refreshed. */
    public Duration retentionInterval() {
        return retentionInterval;
    }
}
