package org.mailhook.mailets.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.mail.MessagingException;

import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.mailhook.webhook.DeliveredRecord;
import org.mailhook.webhook.DeliverySelection;
import org.mailhook.mailets.Archive;
import org.mailhook.mailets.MailAttributes;
import org.mailhook.mailets.RecordMails;

/**
 * Acknowledged webhook deliveries ({@link DeliveredRecord}) in a James mail repository, one small
 * attributes-only mail each under the record's key, so the deliveries API can list and replay them on any
 * James backend. Records older than the retention are pruned.
 */
public final class DeliveredStore {
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);
    /** The record, JSON text ({@link DeliveredRecord#toJson()}). */
    static final AttributeName RECORD = AttributeName.of("mailhook.delivered");

    private final MailRepository repository;
    public DeliveredStore(MailRepository repository) {
        this.repository = repository;
    }

    /** The record of a webhook queue item that {@code status} just acknowledged. */
    static DeliveredRecord recordOf(Mail queued, Instant deliveredAt, int status) {
        DeliveryState.View view = DeliveryState.view(queued);
        return new DeliveredRecord(view.webhookId(), view.mailhookId(), view.endpoint().orElse("?"), view.recipients(),
            view.subject(), Instant.ofEpochMilli(view.acceptedAtMillis()), deliveredAt, view.attempts(), status,
            DeliveryAttributes.history(queued), DeliveryAttributes.route(queued), MailAttributes.string(queued, Archive.ARCHIVE_ID));
    }

    /**
     * Whether this queue item was acknowledged before: a repeated copy of an item (RabbitMQ redelivers an
     * item whose acknowledgement it did not get, and dead-letters a retry at least once) finds the record
     * its first acknowledgement wrote. A replay is never one: it is meant to be sent again.
     */
    boolean acknowledgedBefore(Mail queued) throws MessagingException {
        String key = DeliveredRecord.keyOf(DeliveryAttributes.acceptedAt(queued), DeliveryAttributes.webhookId(queued));
        return replayedRecord(queued).isEmpty() && find(key).isPresent();
    }

    /** The key of the record a replayed queue item was made from (it is replaced once the replay is acknowledged). */
    static Optional<String> replayedRecord(Mail queued) {
        return MailAttributes.string(queued, DeliveryAttributes.REPLAY_OF);
    }

    /** One page of records: the selected ones, newest accepted first, and whether more were selected. */
    public record Page(List<DeliveredRecord> records, boolean more) {
    }

    /**
     * Stores the record under its key, replacing an earlier record of the same queued delivery; then
     * removes the record a replay was made from ({@code replaced}), so a delivery keeps one record. A
     * crash in between leaves both, never none.
     */
    public void write(DeliveredRecord record, Optional<String> replaced) throws MessagingException {
        RecordMails.store(repository, record.key(), record.recipients(), "Mailhook delivered " + record.webhookId(),
            "Webhook delivery acknowledged at " + record.deliveredAt() + ". Managed by /mailhook/deliveries.\r\n",
            List.of(new Attribute(RECORD, AttributeValue.of(record.toJson()))));
        if (replaced.isPresent() && !replaced.get().equals(record.key())) {
            remove(replaced.get());
        }
    }

    public Optional<DeliveredRecord> find(String key) throws MessagingException {
        Mail mail = repository.retrieve(new MailKey(key));
        if (mail == null) {
            return Optional.empty();
        }
        try {
            return MailAttributes.string(mail, RECORD).flatMap(DeliveredRecord::fromJson);
        } finally {
            LifecycleUtil.dispose(mail);
        }
    }

    /**
     * The records the selection picks, newest accepted first, at most {@code limit}. Only keys are listed
     * in full (repositories can do nothing else); records are read in key order until {@code limit} match,
     * skipping without reading those accepted after the selection's end (delivered after it too).
     */
    public Page select(DeliverySelection selection, int limit) throws MessagingException {
        List<String> keys = new ArrayList<>();
        for (Iterator<MailKey> it = repository.list(); it.hasNext(); ) {
            String key = it.next().asString();
            Optional<Instant> acceptedAt = DeliveredRecord.acceptedAtOfKey(key);
            if (acceptedAt.isPresent() && (selection.to().isEmpty() || acceptedAt.get().isBefore(selection.to().get()))) {
                keys.add(key);
            }
        }
        keys.sort(Comparator.reverseOrder());
        List<DeliveredRecord> records = new ArrayList<>();
        for (String key : keys) {
            Optional<DeliveredRecord> record = find(key);
            if (record.isPresent() && selection.matches(Optional.of(record.get().endpoint()), record.get().deliveredAt())) {
                if (records.size() == limit) {
                    return new Page(records, true);
                }
                records.add(record.get());
            }
        }
        return new Page(records, false);
    }

    /**
     * The records of deliveries accepted since {@code since}, newest first, at most {@code limit}: only keys
     * are listed in full; no record accepted before {@code since} is read, so the work is bounded by
     * {@code limit} reads (for the health figures of {@code GET /mailhook/endpoints}).
     */
    public Page recent(Instant since, int limit) throws MessagingException {
        List<String> keys = new ArrayList<>();
        for (Iterator<MailKey> it = repository.list(); it.hasNext(); ) {
            String key = it.next().asString();
            if (DeliveredRecord.acceptedAtOfKey(key).filter(at -> !at.isBefore(since)).isPresent()) {
                keys.add(key);
            }
        }
        keys.sort(Comparator.reverseOrder());
        List<DeliveredRecord> records = new ArrayList<>();
        for (String key : keys) {
            if (records.size() == limit) {
                return new Page(records, true);
            }
            find(key).ifPresent(records::add);
        }
        return new Page(records, false);
    }

    /**
     * The records of deliveries of these archived mails ({@code archiveKey}), by archive key, oldest accepted
     * first. Every record is read (a record's key has its acceptance time, which is the mail's SMTP time and may
     * precede its archiving by a spool backlog), so this costs one pass over the records, bounded by their retention.
     */
    public Map<String, List<DeliveredRecord>> ofArchived(Set<String> archiveKeys) throws MessagingException {
        Map<String, List<DeliveredRecord>> found = new HashMap<>();
        List<String> keys = new ArrayList<>();
        for (Iterator<MailKey> it = repository.list(); it.hasNext(); ) {
            keys.add(it.next().asString());
        }
        keys.sort(Comparator.naturalOrder());
        for (String key : keys) {
            find(key).filter(record -> record.archiveKey().filter(archiveKeys::contains).isPresent())
                .ifPresent(record -> found.computeIfAbsent(record.archiveKey().get(), k -> new ArrayList<>()).add(record));
        }
        return found;
    }

    /** @return whether there was a record under this key */
    public boolean remove(String key) throws MessagingException {
        boolean removed = RecordMails.remove(repository, key);
        return removed;
    }

    /**
     * Removes records delivered more than {@code retention} before {@code now}, and unreadable ones accepted
     * that long ago; returns how many. Reads only records accepted before the cutoff (delivery comes after
     * acceptance), which are nearly all expired.
     */
    public int prune(Instant now, Duration retention) throws MessagingException {
        Instant cutoff = now.minus(retention);
        List<MailKey> expired = new ArrayList<>();
        for (Iterator<MailKey> it = repository.list(); it.hasNext(); ) {
            MailKey key = it.next();
            Optional<Instant> acceptedAt = DeliveredRecord.acceptedAtOfKey(key.asString());
            if (acceptedAt.isEmpty() || !acceptedAt.get().isBefore(cutoff)) {
                continue;
            }
            Optional<DeliveredRecord> record = find(key.asString());
            if (record.isEmpty() || record.get().expired(now, retention)) {
                expired.add(key);
            }
        }
        repository.remove(expired);
        return expired.size();
    }
}
