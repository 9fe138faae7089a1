package org.mailhook.ops;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Supplier;

import javax.inject.Inject;
import javax.mail.Message;
import javax.mail.Session;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.utils.UserDefinedStartable;
import org.apache.mailet.Mail;
import org.mailhook.archive.ArchiveKeys;
import org.mailhook.mailets.LatencyHistogram;
import org.mailhook.mailets.PeriodicTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A scheduled end-to-end probe: every {@code canary.interval} it sends a mail carrying a fresh token
 * through this server's own SMTP and waits for it to appear in the archive the pull API serves, then
 * records the latency (or a failure) as metrics. Off unless {@code canary.enabled=true} in
 * mailhook.properties; started by James as {@code guice.extension.startable} (extensions.properties).
 */
public class Canary implements UserDefinedStartable {
    public static final String SENT = "mailhook_canary_sent";
    public static final String SEEN = "mailhook_canary_seen";
    public static final String FAILURES = "mailhook_canary_failures";
    public static final String LATENCY_PREFIX = "mailhook_canary_latency_";
    /** Gauge: the last probe's latency in milliseconds (-1 after a failure). */
    public static final String LAST_LATENCY_MS = "mailhook_canary_last_latency_ms";
    /** Gauge: when the last probe finished (seen or failed), epoch seconds; 0 before the first. */
    public static final String LAST_PROBE_SECONDS = "mailhook_canary_last_probe_seconds";
    static final String TOKEN_HEADER = "X-Mailhook-Canary";
    private static final Logger LOGGER = LoggerFactory.getLogger(Canary.class);

    /** canary.* keys of mailhook.properties ({@link MailhookSettings#canary()}). */
    public record Settings(boolean enabled, Duration interval, Duration timeout, String smtpHost, int smtpPort, String to) {
    }

    private final Settings settings;
    private final Supplier<MailRepository> archive;
    private final MetricFactory metrics;
    private final GaugeRegistry gauges;
    private final Clock clock = Clock.systemUTC();
    private volatile long lastLatencyMs = -1;
    private volatile long lastProbeSeconds;
    private PeriodicTask scheduler;

    @Inject
    public Canary(MailhookSettings mailhook, MailRepositoryStore repositories, MetricFactory metrics, GaugeRegistry gauges) {
        this.settings = mailhook.canary();
        this.archive = WebhookQueueAccess.repository(repositories, mailhook.archiveRepository());
        this.metrics = metrics;
        this.gauges = gauges;
    }

    @Override
    public void start() {
        if (!settings.enabled()) {
            LOGGER.info("canary disabled (canary.enabled=false)");
            return;
        }
        gauges.register(LAST_LATENCY_MS, () -> lastLatencyMs);
        gauges.register(LAST_PROBE_SECONDS, () -> lastProbeSeconds);
        scheduler = PeriodicTask.start("mailhook-canary", settings.interval(), settings.interval(), this::probeQuietly);
        LOGGER.info("canary: a probe to {} via {}:{} every {}", settings.to(), settings.smtpHost(), settings.smtpPort(), settings.interval());
    }

    private void probeQuietly() {
        try {
            Optional<Duration> latency = probe();
            if (latency.isPresent()) {
                metrics.generate(SEEN).increment();
                new LatencyHistogram(metrics, LATENCY_PREFIX).record(latency.get());
                lastLatencyMs = latency.get().toMillis();
                lastProbeSeconds = clock.instant().getEpochSecond();
            } else {
                fail("not archived within " + settings.timeout(), null);
            }
        } catch (Exception e) {
            fail(e.getMessage(), e);
        }
    }

    private void fail(String why, Exception e) {
        metrics.generate(FAILURES).increment();
        lastLatencyMs = -1;
        lastProbeSeconds = clock.instant().getEpochSecond();
        LOGGER.warn("canary probe failed: {}", why, e);
    }

    /** Sends one tokened mail and waits for it in the archive: its latency, or empty after the timeout. */
    Optional<Duration> probe() throws Exception {
        String token = UUID.randomUUID().toString();
        long sentAt = clock.millis();
        send(token);
        metrics.generate(SENT).increment();
        long deadline = sentAt + settings.timeout().toMillis();
        while (clock.millis() < deadline) {
            if (archived(token, sentAt)) {
                return Optional.of(Duration.ofMillis(clock.millis() - sentAt));
            }
            Thread.sleep(200);
        }
        return Optional.empty();
    }

    private void send(String token) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", settings.smtpHost());
        props.put("mail.smtp.port", String.valueOf(settings.smtpPort()));
        props.put("mail.smtp.connectiontimeout", "10000");
        props.put("mail.smtp.timeout", "30000");
        Session session = Session.getInstance(props);
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("canary@mailhook.invalid"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(settings.to()));
        message.setSubject("mailhook canary " + token);
        message.setHeader(TOKEN_HEADER, token);
        message.setText("Mailhook canary probe " + token + "\r\n");
        Transport.send(message);
    }

    private boolean archived(String token, long sentAt) throws Exception {
        MailRepository repository = archive.get();
        for (Iterator<MailKey> it = repository.list(); it.hasNext(); ) {
            MailKey key = it.next();
            // only mails archived since the probe was sent (a second of clock slack)
            if (ArchiveKeys.archivedAtMillis(key.asString()).filter(at -> at >= sentAt - 1000).isEmpty()) {
                continue;
            }
            Mail mail = repository.retrieve(key);
            if (mail == null) {
                continue;
            }
            try {
                String[] header = mail.getMessage().getHeader(TOKEN_HEADER);
                if (header != null && header.length > 0 && token.equals(header[0].trim())) {
                    return true;
                }
            } finally {
                LifecycleUtil.dispose(mail);
            }
        }
        return false;
    }
}
