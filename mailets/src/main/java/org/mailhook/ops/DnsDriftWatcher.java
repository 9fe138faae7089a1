package org.mailhook.ops;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.inject.Inject;

import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.utils.UserDefinedStartable;
import org.mailhook.config.ParameterValues;
import org.mailhook.doctor.Doctor;
import org.mailhook.doctor.DoctorDns;
import org.mailhook.doctor.DoctorRequest;
import org.mailhook.doctor.Finding;
import org.mailhook.doctor.ProbeSettings;
import org.mailhook.drift.DnsSnapshot;
import org.mailhook.drift.DriftEvent;
import org.mailhook.drift.DriftItem;
import org.mailhook.drift.DriftWatch;
import org.mailhook.drift.SnapshotReader;
import org.mailhook.mailets.PeriodicTask;
import org.mailhook.webhook.AttemptResult;
import org.mailhook.webhook.DeliveryOutcome;
import org.mailhook.webhook.Endpoint;
import org.mailhook.webhook.SsrfGuard;
import org.mailhook.webhook.WebhookSender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import okhttp3.Dns;

/**
 * DNS drift alerts: every {@code drift.interval} it runs the doctor's DNS checks on each domain of
 * {@code drift.domains} (with {@code drift.probe}, also the SMTP probe of each MX), exports each check's and each watched record's state as
 * gauges, and when a watched record changed posts a signed {@code mailhook.dns_drift.v1} event to
 * {@code drift.url}. Deliveries run on a thread of their own with a few retries, never on the mail
 * pipeline's. Off while {@code drift.domains} is empty; started by James as {@code guice.extension.startable}.
 */
public class DnsDriftWatcher implements UserDefinedStartable {
    /** Gauge prefix, then {@code <domain>_<item>}: 0 present, 1 absent, 2 temperror. */
    public static final String RECORD_PREFIX = "mailhook_dns_record_";
    /** Gauge prefix, then {@code <domain>_<check id>}: 0 pass, 1 warn, 2 fail, 3 the domain did not answer at all. */
    public static final String CHECK_PREFIX = "mailhook_dns_check_";
    public static final String EVENTS = "mailhook_dns_drift_events";
    public static final String DELIVERED = "mailhook_dns_drift_delivered";
    public static final String ATTEMPT_FAILURES = "mailhook_dns_drift_attempt_failures";
    public static final String DROPPED = "mailhook_dns_drift_dropped";
    /** Waits before the second and later attempts of one event. */
    static final List<Duration> RETRY_DELAYS = List.of(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofMinutes(10));
    private static final int NO_ANSWER = 3;
    private static final Logger LOGGER = LoggerFactory.getLogger(DnsDriftWatcher.class);

    /** The drift.* keys of mailhook.properties ({@link MailhookSettings#drift()}); docs/operations.md. */
    public record Settings(List<String> domains, List<String> dkimSelectors, Duration interval, Optional<String> dnsServer,
                           Duration dnsTimeout, Optional<Endpoint> endpoint, boolean probe, int smtpPort) {
        public Settings {
            domains = List.copyOf(domains);
            dkimSelectors = List.copyOf(dkimSelectors);
        }

        public boolean enabled() {
            return !domains.isEmpty();
        }

        /**
         * @throws IllegalArgumentException naming mailhook.properties and the key: a bad value, a URL without a
         *     secret, or a URL the outbound address policy ({@code webhook.allow*}) refuses
         */
        static Settings parse(ParameterValues values, SsrfGuard.Policy policy) {
            List<String> domains = list(values.text("drift.domains")).stream().map(d -> d.toLowerCase(Locale.ROOT).replaceAll("\\.$", "")).toList();
            Optional<String> dnsServer = list(values.text("drift.dnsServers")).stream().findFirst();
            Duration dnsTimeout = values.duration("drift.dnsTimeout", Duration.ofSeconds(5));
            dnsServer.ifPresent(server -> {
                try {
                    DoctorDns.at(server, dnsTimeout);
                } catch (IllegalArgumentException e) {
                    throw values.invalid("drift.dnsServers", server, "a resolver IP[:PORT] or [IPv6]:PORT");
                }
            });
            Optional<Endpoint> endpoint = values.text("drift.url")
                .map(url -> Endpoint.configured("dns-drift", values, url, "drift.url", "drift.secret", policy).build());
            if (!domains.isEmpty() && endpoint.isEmpty()) {
                throw new IllegalArgumentException(values.locate("drift.url: required when drift.domains is set (where drift events are posted)"));
            }
            return new Settings(domains, list(values.text("drift.dkimSelectors")), values.duration("drift.interval", Duration.ofHours(1)),
                dnsServer, dnsTimeout, endpoint, values.flag("drift.probe", false), values.wholeNumber("drift.smtpPort", 25, 1, 65535));
        }

        private static List<String> list(Optional<String> text) {
            return text.map(t -> Arrays.stream(t.split("[\\s,]+")).filter(s -> !s.isEmpty()).toList()).orElse(List.of());
        }
    }

    private final Settings settings;
    private final SsrfGuard.Policy policy;
    private final MetricFactory metrics;
    private final GaugeRegistry gauges;
    private final Clock clock = Clock.systemUTC();
    private final DriftWatch watch = new DriftWatch();
    private final Map<String, AtomicInteger> states = new ConcurrentHashMap<>();
    private PeriodicTask checks;
    private ScheduledExecutorService deliveries;
    private WebhookSender sender;

    @Inject
    public DnsDriftWatcher(MailhookSettings mailhook, MetricFactory metrics, GaugeRegistry gauges) {
        this.settings = mailhook.drift();
        this.policy = mailhook.addressesPolicy();
        this.metrics = metrics;
        this.gauges = gauges;
    }

    @Override
    public void start() {
        if (!settings.enabled()) {
            LOGGER.info("DNS drift watch disabled (drift.domains is empty)");
            return;
        }
        sender = new WebhookSender(new SsrfGuard(policy, Dns.SYSTEM), "0.1", clock);
        deliveries = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "mailhook-dns-drift-delivery");
            thread.setDaemon(true);
            return thread;
        });
        checks = PeriodicTask.start("mailhook-dns-drift", Duration.ofSeconds(1), settings.interval(), this::checkQuietly);
        LOGGER.info("DNS drift watch: {} every {} via {}, events to {}", settings.domains(), settings.interval(),
            settings.dnsServer().orElse("the system resolver"), settings.endpoint().map(Endpoint::displayUrl).orElse("-"));
    }

    private void checkQuietly() {
        for (String domain : settings.domains()) {
            try {
                check(domain);
            } catch (RuntimeException e) {
                LOGGER.warn("DNS drift check of {} failed", domain, e);
            }
        }
    }

    private void check(String domain) {
        DoctorDns dns = settings.dnsServer().map(server -> DoctorDns.at(server, settings.dnsTimeout()))
            .orElseGet(() -> DoctorDns.system(settings.dnsTimeout()));
        ProbeSettings probe = new ProbeSettings(settings.smtpPort(), ProbeSettings.defaults().httpsPort(), settings.dnsTimeout(),
            ProbeSettings.systemTrust());
        List<Finding> findings = List.of();
        try {
            findings = new Doctor(dns, clock, probe, line -> { })
                .examine(new DoctorRequest(domain, List.of(), settings.dkimSelectors(), settings.probe())).findings();
            Map<String, Integer> worst = new java.util.TreeMap<>();
            findings.forEach(f -> worst.merge(f.id(), f.status().ordinal(), Math::max));
            worst.forEach((id, status) -> state(CHECK_PREFIX, domain, id).set(status));
        } catch (DoctorDns.DnsFailure e) {
            states.forEach((name, state) -> {
                if (name.startsWith(metricName(CHECK_PREFIX, domain, ""))) {
                    state.set(NO_ANSWER);
                }
            });
            LOGGER.warn("DNS drift: {} did not answer: {}", domain, e.getMessage());
        }
        DnsSnapshot snapshot = new SnapshotReader(clock).read(dns, domain, settings.dkimSelectors(),
            settings.probe() ? Optional.of(findings) : Optional.empty());
        snapshot.items().forEach((item, value) -> state(RECORD_PREFIX, domain, item).set(value.state().code()));
        watch.observe(snapshot).ifPresent(event -> {
            metrics.generate(EVENTS).increment();
            LOGGER.warn("DNS drift of {}: {} changed (event {})", domain,
                event.changes().stream().map(c -> c.item() + " " + describe(c.before()) + " -> " + describe(c.after())).toList(), event.id());
            deliveries.execute(() -> deliver(event, event.toJson(), 1));
        });
    }

    private static String describe(DriftItem item) {
        return item.state() == DriftItem.State.PRESENT ? "'" + item.value() + "'" : item.state().label();
    }

    /** One attempt; a failed one schedules the next, and after the last the event is dropped (logged and counted). */
    private void deliver(DriftEvent event, byte[] payload, int attempt) {
        Endpoint endpoint = settings.endpoint().orElseThrow();
        AttemptResult result = sender.send(endpoint, event.id(), clock.instant().getEpochSecond(), payload);
        if (result.outcome() == DeliveryOutcome.DELIVERED) {
            metrics.generate(DELIVERED).increment();
            LOGGER.info("DNS drift event {} delivered to {} (attempt {})", event.id(), endpoint.displayUrl(), attempt);
            return;
        }
        metrics.generate(ATTEMPT_FAILURES).increment();
        String error = result.error().orElse("status " + result.status());
        if (result.outcome() == DeliveryOutcome.RETRY && attempt <= RETRY_DELAYS.size()) {
            Duration delay = RETRY_DELAYS.get(attempt - 1);
            LOGGER.warn("DNS drift event {} attempt {} failed ({}); next in {}", event.id(), attempt, error, delay);
            deliveries.schedule(() -> deliver(event, payload, attempt + 1), delay.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            metrics.generate(DROPPED).increment();
            LOGGER.error("DNS drift event {} dropped after attempt {} ({}): {}", event.id(), attempt, error, new String(payload,
                java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private AtomicInteger state(String prefix, String domain, String id) {
        return states.computeIfAbsent(metricName(prefix, domain, id), name -> {
            AtomicInteger state = new AtomicInteger();
            gauges.register(name, state::get);
            return state;
        });
    }

    /** e.g. {@code mailhook_dns_record_example_com_dkim_s1}: Prometheus names allow only [a-zA-Z0-9_]. */
    static String metricName(String prefix, String domain, String id) {
        return prefix + (domain + "_" + id).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
    }
}
