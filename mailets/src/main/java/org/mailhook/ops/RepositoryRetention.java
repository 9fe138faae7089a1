package org.mailhook.ops;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import javax.inject.Inject;

import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.utils.UserDefinedStartable;
import org.apache.mailet.Mail;
import org.mailhook.config.Durations;
import org.mailhook.mailets.PeriodicTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention for the repositories the pipeline parks mail in: dead letters, quarantined originals, the
 * error repository and unrouted mail (the archive and delivered records expire through their own
 * mailets). Every {@code retention.interval} each repository loses the mails last updated longer ago
 * than its {@code retention.*} (mailhook.properties), and its metrics are refreshed:
 * {@code mailhook_repository_<name>_count}, {@code _oldest_age_seconds} and {@code _expired_total}
 * (mails removed since start). Started by James as {@code guice.extension.startable}.
 */
public class RepositoryRetention implements UserDefinedStartable {
    public static final String PREFIX = "mailhook_repository_";
    private static final Logger LOGGER = LoggerFactory.getLogger(RepositoryRetention.class);

    /** One repository under retention: a metric name, its URL and how long its mail is kept. */
    public record Kept(String name, String url, Duration retention) {
    }

    private final List<Watched> watched = new ArrayList<>();
    private final Duration interval;
    private final GaugeRegistry gauges;
    private final Clock clock;
    private PeriodicTask task;

    @Inject
    public RepositoryRetention(MailhookSettings settings, MailRepositoryStore repositories, GaugeRegistry gauges) {
        this(settings.retention(), settings.retentionInterval(),
            url -> WebhookQueueAccess.repository(repositories, url), gauges, Clock.systemUTC());
    }

    RepositoryRetention(List<Kept> kept, Duration interval, java.util.function.Function<String, Supplier<MailRepository>> repositories,
                        GaugeRegistry gauges, Clock clock) {
        for (Kept each : kept) {
            watched.add(new Watched(each, repositories.apply(each.url())));
        }
        this.interval = interval;
        this.gauges = gauges;
        this.clock = clock;
    }

    @Override
    public void start() {
        for (Watched each : watched) {
            String name = PREFIX + each.kept.name();
            gauges.register(name + "_count", each::count);
            gauges.register(name + "_oldest_age_seconds", () -> each.oldestAgeSeconds(clock.millis()));
            gauges.register(name + "_expired_total", each.expired::get);
        }
        task = PeriodicTask.start("mailhook-repository-retention", Duration.ZERO, interval, this::passQuietly);
        LOGGER.info("repository retention every {}: {}", Durations.format(interval), watched.stream()
            .map(w -> w.kept.name() + " " + Durations.format(w.kept.retention())).toList());
    }

    private void passQuietly() {
        for (Watched each : watched) {
            try {
                int removed = each.pass(clock.millis());
                if (removed > 0) {
                    LOGGER.info("{}: removed {} mails older than {}", each.kept.url(), removed, Durations.format(each.kept.retention()));
                }
            } catch (Exception e) {
                LOGGER.warn("{}: retention pass failed; it is tried again at the next interval", each.kept.url(), e);
            }
        }
    }

    /** One pass over every repository now: what the schedule runs (tests call it directly). */
    void pass() throws Exception {
        for (Watched each : watched) {
            each.pass(clock.millis());
        }
    }

    /** Ends the schedule (James' startables are never stopped; tests stop it). */
    public void stop() {
        if (task != null) {
            task.close();
        }
    }

    /** A repository, its expired count and the oldest mail the last pass kept. */
    private static final class Watched {
        private final Kept kept;
        private final Supplier<MailRepository> repository;
        private final AtomicLong expired = new AtomicLong();
        private volatile long oldestMillis = -1;

        Watched(Kept kept, Supplier<MailRepository> repository) {
            this.kept = kept;
            this.repository = repository;
        }

        long count() {
            try {
                return repository.get().size();
            } catch (Exception e) {
                return -1;
            }
        }

        /** Seconds since the oldest kept mail was last updated, as of the last pass; 0 when empty. */
        long oldestAgeSeconds(long nowMillis) {
            long oldest = oldestMillis;
            return oldest < 0 ? 0 : Math.max(0, (nowMillis - oldest) / 1000);
        }

        /** Synchronized: a manual pass beside the periodic one would otherwise remove, and count, the same mail twice. */
        synchronized int pass(long nowMillis) throws Exception {
            MailRepository mails = repository.get();
            long cutoff = nowMillis - kept.retention().toMillis();
            List<MailKey> expiredKeys = new ArrayList<>();
            long oldest = -1;
            for (Iterator<MailKey> it = mails.list(); it.hasNext(); ) {
                MailKey key = it.next();
                Mail mail = mails.retrieve(key);
                if (mail == null) {
                    continue;
                }
                try {
                    long updated = mail.getLastUpdated() == null ? nowMillis : mail.getLastUpdated().getTime();
                    if (updated < cutoff) {
                        expiredKeys.add(key);
                    } else if (oldest < 0 || updated < oldest) {
                        oldest = updated;
                    }
                } finally {
                    LifecycleUtil.dispose(mail);
                }
            }
            if (!expiredKeys.isEmpty()) {
                mails.remove(expiredKeys);
                expired.addAndGet(expiredKeys.size());
            }
            oldestMillis = oldest;
            return expiredKeys.size();
        }
    }
}
