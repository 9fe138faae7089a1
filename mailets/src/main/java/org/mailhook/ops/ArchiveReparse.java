package org.mailhook.ops;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

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

    /** Where a bulk reparse keeps what it queued and stored, to resume without sending twice ({@code BulkCheckpoint}). */
    public interface Events {
        /** The acceptance time to queue this event with ({@code nowMillis}, or the one it was queued with before a crash). */
        long acceptedAt(String key, int revision, String endpoint, long nowMillis);

        /** Called before revision {@code revision} of {@code key} is stored. */
        default void revising(String key, int revision) {
        }

        /** Nothing kept: a reparse asked for over the API. */
        Events NONE = (key, revision, endpoint, nowMillis) -> nowMillis;
    }

    private final WebhookQueueAccess access;
    private final Clock clock;
    private final Supplier<Optional<MessageParser>> parser;
    private final Supplier<Reparser.Steps> steps;

    /** With this server's pipeline as its mailets registered it ({@link PipelineSteps}). */
    public ArchiveReparse(WebhookQueueAccess access, Clock clock, PipelineSteps pipeline) {
        this(access, clock, pipeline::parser, pipeline::steps);
    }

    ArchiveReparse(WebhookQueueAccess access, Clock clock, Supplier<Optional<MessageParser>> parser, Supplier<Reparser.Steps> steps) {
        this.access = access;
        this.clock = clock;
        this.parser = parser;
        this.steps = steps;
    }

    /** No ToJson mailet runs in this server (yet): there is no parser to reparse with. */
    public static final class NotReady extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        NotReady() {
            super("no ToJson mailet runs in this server: nothing to reparse with");
        }
    }

    /** Whether there is a parser to reparse with (ToJson registers it when James initialises the mailets). */
    public boolean ready() {
        return parser.get().isPresent();
    }

    /** Reparses these archived mails in this order; the delivered records are read once for all of them. */
    public List<Result> reparse(List<String> keys, boolean reverify, Events events) throws Exception {
        List<Result> results = new ArrayList<>();
        reparse(keys, reverify, events, results::add);
        return results;
    }

    /** What is done with each mail's result as soon as it is there. */
    public interface Each {
        void done(Result result) throws Exception;
    }

    /** The same, handing each result to {@code each} once the mail is done (a bulk reparse checkpoints there). */
    public void reparse(List<String> keys, boolean reverify, Events events, Each each) throws Exception {
        Reparser reparser = new Reparser(parser.get()
            .orElseThrow(NotReady::new), steps.get(), clock);
        Map<String, List<DeliveredRecord>> records = access.delivered().isPresent()
            ? access.delivered().get().ofArchived(Set.copyOf(keys)) : Map.of();
        synchronized (LOCK) {
            for (String key : keys) {
                each.done(one(key, records.getOrDefault(key, List.of()), reverify, reparser, events));
            }
        }
    }

    private Result one(String key, List<DeliveredRecord> records, boolean reverify, Reparser reparser, Events events) throws Exception {
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
                if (endpoints.add(record.endpoint()) && mailhookId.isPresent()) {
                    long acceptedAt = events.acceptedAt(key, outcome.revision(), record.endpoint(), clock.millis());
                    enqueueUpdate(mail, record, mailhookId.get(), outcome.revision(), event, acceptedAt);
                    notified.add(record.endpoint());
                }
            }
            events.revising(key, outcome.revision());
            ArchivedRevisions.add(access.archive(), mail, outcome.revision(), outcome.json());
            return new Result(key, mailhookId, outcome.revision(), true, outcome.differences(), notified, Optional.empty());
        } finally {
            LifecycleUtil.dispose(mail);
        }
    }

    /**
     * Queues the event with {@code acceptedAt}: the same webhook-id and acceptance time as a copy queued before a crash
     * give the same delivered-record key, so the consumer sends only one of them.
     */
    private void enqueueUpdate(Mail archived, DeliveredRecord record, String mailhookId, int revision, String event, long acceptedAt)
        throws Exception {
        Mail copy = MailBytes.copy(archived);
        try {
            DeliveryState.restoreForUpdate(copy, record, mailhookId, revision, event);
            DeliveryState.resetForRedelivery(copy, acceptedAt);
            access.queue().enQueue(copy);
        } finally {
            LifecycleUtil.dispose(copy);
        }
    }
}
