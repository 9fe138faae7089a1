package org.mailhook.mailets;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.mailhook.archive.ArchiveKeys;
import org.mailhook.config.Durations;
import org.mailhook.config.ParameterValues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a copy of every mail (raw MIME plus its {@code mailhook.*} attributes, the JSON included) in an
 * archive repository, under a key that sorts in arrival order ({@link ArchiveKeys}); the pull API
 * ({@code GET /mailhook/messages}) reads it. Copies older than {@code retention} are purged every
 * {@code purgeInterval}. The mail itself goes on unchanged, with {@code mailhook.archive.id} set.
 *
 * <pre>{@code
 * <mailet match="All" class="org.mailhook.mailets.Archive">
 *     <repositoryPath>mailhook://var/mail/archive/</repositoryPath>
 *     <retention>30d</retention>
 *     <purgeInterval>1h</purgeInterval>
 * </mailet>
 * }</pre>
 */
public class Archive extends GenericMailet {
    /** The archive key of the mail (its id in the pull API). */
    public static final AttributeName ARCHIVE_ID = AttributeName.of("mailhook.archive.id");
    private static final Logger LOGGER = LoggerFactory.getLogger(Archive.class);

    private final MailRepositoryStore repositoryStore;
    private final Clock clock;
    private MailRepository archive;
    private ArchiveKeys keys;
    private Duration retention;
    private PeriodicTask purger;

    @Inject
    public Archive(MailRepositoryStore repositoryStore) {
        this(repositoryStore, Clock.systemUTC());
    }

    Archive(MailRepositoryStore repositoryStore, Clock clock) {
        this.repositoryStore = repositoryStore;
        this.clock = clock;
    }

    @Override
    public void init() throws MessagingException {
        String path = getInitParameter("repositoryPath", Repositories.ARCHIVE);
        try {
            archive = repositoryStore.select(MailRepositoryUrl.from(path));
        } catch (Exception e) {
            throw new MessagingException("Archive: <repositoryPath> " + path + ": " + e.getMessage(), e);
        }
        Duration purgeInterval;
        ParameterValues parameters = ParameterValues.ofMailet("Archive", this::getInitParameter);
        try {
            retention = parameters.duration("retention", Duration.ofDays(30));
            purgeInterval = parameters.duration("purgeInterval", Duration.ofHours(1));
        } catch (IllegalArgumentException e) {
            throw new MessagingException(e.getMessage());
        }
        keys = new ArchiveKeys(clock, new SecureRandom());
        purger = PeriodicTask.start("mailhook-archive-purge", Duration.ZERO, purgeInterval, this::purgeQuietly);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        String key = keys.next(MailAttributes.string(mail, MailAttributes.ID));
        Mail copy = MailBytes.copy(mail);
        try {
            copy.setName(key);
            archive.store(copy);
        } finally {
            LifecycleUtil.dispose(copy);
        }
        MailAttributes.set(mail, ARCHIVE_ID, key);
    }

    /** Removes archived mails older than the retention; returns how many. */
    int purge() throws MessagingException {
        long cutoff = clock.millis() - retention.toMillis();
        List<MailKey> expired = new ArrayList<>();
        for (Iterator<MailKey> it = archive.list(); it.hasNext(); ) {
            MailKey key = it.next();
            Optional<Long> at = ArchiveKeys.archivedAtMillis(key.asString());
            if (at.isPresent() && at.get() < cutoff) {
                expired.add(key);
            }
        }
        archive.remove(expired);
        return expired.size();
    }

    private void purgeQuietly() {
        try {
            int removed = purge();
            if (removed > 0) {
                LOGGER.info("archive: purged {} mails older than {}", removed, Durations.format(retention));
            }
        } catch (Exception e) {
            LOGGER.warn("archive purge failed; it is tried again at the next interval", e);
        }
    }

    @Override
    public void destroy() {
        if (purger != null) {
            purger.close();
        }
    }

    @Override
    public String getMailetInfo() {
        return "Mailhook Archive: keeps raw MIME and JSON of every mail for the pull API, with retention";
    }
}
