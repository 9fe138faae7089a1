package org.mailhook.mailets;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.mailhook.webhook.DeliveredRecord;

/**
 * Acknowledged webhook deliveries ({@link DeliveredRecord}) in a James mail repository, one small
 * attributes-only mail each under the record's key, so the deliveries API can list and replay them on any
 * James backend. Records older than the retention are pruned.
 */
public final class DeliveredStore {
    public static final String DEFAULT_REPOSITORY = "file://var/mail/mailhook-delivered/";
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

    /** Stores the record under its key, replacing an earlier record of the same delivery. */
    public void write(DeliveredRecord record) throws MessagingException {
        RecordMails.store(repository, record.key(), record.recipients(), "Mailhook delivered " + record.webhookId(),
            "Webhook delivery acknowledged at " + record.deliveredAt() + ". Managed by /mailhook/deliveries.\r\n",
            List.of(new Attribute(RECORD, AttributeValue.of(record.toJson()))));
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

    /** Every record, newest delivery first. Reads each one: repositories can only list keys. */
    public List<DeliveredRecord> list() throws MessagingException {
        List<DeliveredRecord> records = new ArrayList<>();
        for (Iterator<MailKey> it = repository.list(); it.hasNext(); ) {
            find(it.next().asString()).ifPresent(records::add);
        }
        records.sort(Comparator.comparing(DeliveredRecord::deliveredAt).reversed().thenComparing(DeliveredRecord::key));
        return records;
    }

    /** @return whether there was a record under this key */
    public boolean remove(String key) throws MessagingException {
        return RecordMails.remove(repository, key);
    }

    /**
     * Removes records delivered more than {@code retention} before {@code now} (and unreadable ones last
     * stored that long ago); returns how many.
     */
    public int prune(Instant now, Duration retention) throws MessagingException {
        List<MailKey> expired = new ArrayList<>();
        for (Iterator<MailKey> it = repository.list(); it.hasNext(); ) {
            MailKey key = it.next();
            Mail mail = repository.retrieve(key);
            if (mail == null) {
                continue;
            }
            try {
                Optional<DeliveredRecord> record = MailAttributes.string(mail, RECORD).flatMap(DeliveredRecord::fromJson);
                boolean old = record.isPresent() ? record.get().expired(now, retention)
                    : mail.getLastUpdated() != null && mail.getLastUpdated().toInstant().isBefore(now.minus(retention));
                if (old) {
                    expired.add(key);
                }
            } finally {
                LifecycleUtil.dispose(mail);
            }
        }
        repository.remove(expired);
        return expired.size();
    }
}
