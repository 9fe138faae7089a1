package org.mailhook.ops;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.mailet.Mail;
import org.mailhook.json.MessageParser;
import org.mailhook.mailets.ArchivedRevisions;
import org.mailhook.mailets.MailAttributes;
import org.mailhook.mailets.MailBytes;
import org.mailhook.mailets.PipelineSteps;
import org.mailhook.mailets.delivery.DeliveryState;
import org.mailhook.reparse.Reparser;
import org.mailhook.webhook.DeliveredRecord;
import org.mailhook.webhook.WebhookPayload;

/**
 * Reparses archived mails ({@link Reparser} with this server's pipeline steps, {@link PipelineSteps}) and
 * acts on the outcome: a changed document is stored as the mail's next revision ({@link ArchivedRevisions})
 * and sent as a {@code message.updated} event to each endpoint that received the original (its delivered
 * records), through the webhook queue like any delivery; an unchanged one is left alone and sends nothing.
 * The events are queued before the revision is stored: a crash in between makes the next reparse produce
 * the same revision and queue the same events again (same webhook-ids), never a revision whose events
 * were lost.
 */
public final class ArchiveReparse {
    /** One reparse at a time on this node: two at once on one mail would both make revision n+1. */
    private static final Object LOCK = new Object();

    /**
     * @param notified the endpoints a {@code message.updated} event was queued for
     * @param skipped why the mail was not reparsed, or empty
     */
    public record Result(String key, Optional<String> mailhookId, int revision, boolean changed, List<String> differences,
                         List<String> notified, Optional<String> skipped) {
        static Result skipped(String key, String why) {
            return new Result(key, Optional.empty(), 0, false, List.of(), List.of(), Optional.of(why));
        }
    }

    /** Which endpoints of a mail already got the event of a revision (a resumed bulk reparse), to be left out. */
    public interface Sent {
        boolean already(String key, int revision, String endpoint);

        Sent NONE = (key, revision, endpoint) -> false;
    }

    private final WebhookQueueAccess access;
    private final Clock clock;

    public ArchiveReparse(WebhookQueueAccess access, Clock clock) {
        this.access = access;
        this.clock = clock;
    }

    /** Reparses these archived mails in this order; the delivered records are read once for all of them. */
    public List<Result> reparse(List<String> keys, boolean reverify, Sent sent) throws Exception {
        MessageParser parser = PipelineSteps.parser()
            .orElseThrow(() -> new IllegalStateException("no ToJson mailet runs in this server: nothing to reparse with"));
        Reparser reparser = new Reparser(parser, PipelineSteps.steps(), clock);
        Map<String, List<DeliveredRecord>> records = access.delivered().isPresent()
            ? access.delivered().get().ofArchived(Set.copyOf(keys)) : Map.of();
        List<Result> results = new ArrayList<>();
        synchronized (LOCK) {
            for (String key : keys) {
                results.add(one(key, records.getOrDefault(key, List.of()), reverify, reparser, sent));
            }
        }
        return results;
    }

    private Result one(String key, List<DeliveredRecord> records, boolean reverify, Reparser reparser, Sent sent) throws Exception {
        Mail mail = access.archive().retrieve(new MailKey(key));
        if (mail == null) {
            return Result.skipped(key, "no longer archived (archive retention)");
        }
        try {
            int latest = ArchivedRevisions.latest(mail);
            Optional<String> json = ArchivedRevisions.latestJson(mail);
            if (json.isEmpty()) {
                return Result.skipped(key, "archived without a JSON document (was ToJson before Archive?)");
            }
            Optional<String> mailhookId = MailAttributes.string(mail, MailAttributes.ID);
            Reparser.Outcome outcome = reparser.reparse(MailBytes.read(mail), json.get(), latest, reverify);
            if (!outcome.changed()) {
                return new Result(key, mailhookId, latest, false, List.of(), List.of(), Optional.empty());
            }
            List<String> notified = new ArrayList<>();
            Set<String> endpoints = new LinkedHashSet<>();
            String event = WebhookPayload.asUpdate(outcome.json());
            for (DeliveredRecord record : records) {
                if (endpoints.add(record.endpoint()) && mailhookId.isPresent()
                    && !sent.already(key, outcome.revision(), record.endpoint())) {
                    enqueueUpdate(mail, record, mailhookId.get(), outcome.revision(), event);
                    notified.add(record.endpoint());
                }
            }
            ArchivedRevisions.add(access.archive(), mail, outcome.revision(), outcome.json());
            return new Result(key, mailhookId, outcome.revision(), true, outcome.differences(), notified, Optional.empty());
        } finally {
            LifecycleUtil.dispose(mail);
        }
    }

    private void enqueueUpdate(Mail archived, DeliveredRecord record, String mailhookId, int revision, String event) throws Exception {
        Mail copy = MailBytes.copy(archived);
        try {
            ArchivedRevisions.strip(copy);
            DeliveryState.restoreForUpdate(copy, record, mailhookId, revision, event);
            DeliveryState.resetForRedelivery(copy, clock.millis());
            access.queue().enQueue(copy);
        } finally {
            LifecycleUtil.dispose(copy);
        }
    }
}
