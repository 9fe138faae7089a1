package org.mailhook.mailets.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;
import org.mailhook.webhook.DeliveredRecord;
import org.mailhook.webhook.WebhookIds;
import org.mailhook.webhook.WebhookPayload;
import org.mailhook.mailets.Archive;
import org.mailhook.mailets.ArchivedRevisions;
import org.mailhook.mailets.MailAttributes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The delivery state a queued or dead-lettered mail carries ({@link DeliveryAttributes}), read for the
 * WebAdmin deliveries API, and what a redelivery or a replay applies.
 */
public final class DeliveryState {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param lastAttempt the last entry of the attempt history (at, status, latencyMs, outcome, error), or empty
     */
    public record View(String name, Optional<String> subject, Optional<String> endpoint, String webhookId, Optional<String> mailhookId,
                       List<String> recipients, long attempts, long acceptedAtMillis, Optional<String> deadReason,
                       Optional<JsonNode> lastAttempt) {
    }

    private DeliveryState() {
    }

    public static View view(Mail mail) {
        Optional<JsonNode> last = Optional.empty();
        try {
            JsonNode history = JSON.readTree(DeliveryAttributes.history(mail));
            if (history.isArray() && history.size() > 0) {
                last = Optional.of(history.get(history.size() - 1));
            }
        } catch (Exception e) {
            // a damaged history is shown as none; the mail itself is intact
        }
        return new View(mail.getName(), subject(mail), DeliveryAttributes.endpoint(mail), DeliveryAttributes.webhookId(mail),
            MailAttributes.string(mail, MailAttributes.ID), mail.getRecipients().stream().map(MailAddress::asString).toList(),
            DeliveryAttributes.attempts(mail), DeliveryAttributes.acceptedAt(mail),
            MailAttributes.string(mail, DeliveryAttributes.DEAD_REASON), last);
    }

    /** A delivered record as the deliveries API shows every delivery (its name is the record's key). */
    public static View view(DeliveredRecord record) {
        return new View(record.key(), record.subject(), Optional.of(record.endpoint()), record.webhookId(), record.mailhookId(),
            record.recipients(), record.attempts(), record.acceptedAt().toEpochMilli(), Optional.empty(), record.lastAttempt());
    }

    private static Optional<String> subject(Mail mail) {
        try {
            return Optional.ofNullable(mail.getMessage()).map(message -> {
                try {
                    return message.getSubject();
                } catch (Exception e) {
                    return null;
                }
            });
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** Whether the mail was on its way to an endpoint (unrouted dead letters were not: nothing to redeliver to). */
    public static boolean redeliverable(Mail mail) {
        return DeliveryAttributes.endpoint(mail).isPresent() && MailAttributes.string(mail, DeliveryAttributes.WEBHOOK_ID).isPresent();
    }

    /**
     * Makes the archived copy of a delivered mail the webhook queue item it was: the same recipients,
     * endpoint, route, webhook-id and attempt history (so the payload and its webhook-id are the same as
     * the first time), under a new queue name; its acknowledgement replaces the record. {@link #resetForRedelivery} follows, as for a dead letter.
     * A {@code message.updated} delivery (its webhook-id is a revision's, {@link WebhookIds#forUpdate}) replays the event of
     * that revision, not the document of receipt.
     */
    public static void restoreDelivered(Mail archived, DeliveredRecord record) throws MessagingException {
        Optional<String> updated = record.mailhookId().flatMap(id -> updatedRevision(archived, id, record));
        updated.ifPresent(json -> MailAttributes.set(archived, MailAttributes.JSON, WebhookPayload.asUpdate(json)));
        ArchivedRevisions.strip(archived);
        List<MailAddress> recipients = new ArrayList<>();
        for (String recipient : record.recipients()) {
            recipients.add(new MailAddress(recipient));
        }
        archived.setName(MailImpl.getId());
        archived.setRecipients(recipients);
        DeliveryAttributes.start(archived, record.endpoint(), record.webhookId(), record.acceptedAt().toEpochMilli(), record.route());
        MailAttributes.set(archived, DeliveryAttributes.HISTORY, record.history());
        MailAttributes.set(archived, DeliveryAttributes.REPLAY_OF, record.key());
        record.archiveKey().ifPresent(key -> MailAttributes.set(archived, Archive.ARCHIVE_ID, key));
    }

    /**
     * Makes a restored delivered mail ({@link #restoreDelivered}) a delivery to another endpoint: that
     * endpoint's own webhook-id ({@link WebhookIds#forDelivery}), the record's route naming it, a history of
     * its own; not a replay of the record (its acknowledgement adds a record, the original one stays).
     *
     * @throws MessagingException when the record has no mailhook id to make the webhook-id from
     */
    public static void retarget(Mail restored, DeliveredRecord record, String endpoint) throws MessagingException {
        retarget(restored, record.mailhookId(), endpoint);
    }

    /**
     * Makes a dead letter a delivery to another endpoint, as {@link #retarget(Mail, DeliveredRecord, String)} does a
     * delivered mail: that endpoint's own webhook-id, its route naming it, a history of its own (the failed
     * attempts at its endpoint go with the dead letter). {@link #resetForRedelivery} follows.
     *
     * @throws MessagingException when the mail has no mailhook id, or is a {@code message.updated} delivery
     */
    public static void retarget(Mail deadLetter, String endpoint) throws MessagingException {
        retarget(deadLetter, MailAttributes.string(deadLetter, MailAttributes.ID), endpoint);
    }

    /** The one way a delivery is sent to another endpoint; reads the delivery the mail carries (endpoint, webhook-id, route). */
    private static void retarget(Mail mail, Optional<String> mailhookId, String endpoint) throws MessagingException {
        String id = mailhookId.orElseThrow(() -> new MessagingException("the delivery has no mailhook id"));
        String own = DeliveryAttributes.endpoint(mail).orElseThrow(() -> new MessagingException("the delivery has no endpoint"));
        if (!DeliveryAttributes.webhookId(mail).equals(WebhookIds.forDelivery(id, own))) {
            throw new MessagingException("a message.updated delivery is sent to its own endpoint only");
        }
        String route;
        try {
            JsonNode node = JSON.readTree(DeliveryAttributes.route(mail));
            route = node instanceof com.fasterxml.jackson.databind.node.ObjectNode object ? object.put("endpoint", endpoint).toString()
                : DeliveryAttributes.route(mail);
        } catch (Exception e) {
            throw new MessagingException("the delivery's route is not JSON: " + e.getMessage(), e);
        }
        mail.removeAttribute(DeliveryAttributes.REPLAY_OF);
        DeliveryAttributes.start(mail, endpoint, WebhookIds.forDelivery(id, endpoint), DeliveryAttributes.acceptedAt(mail), route);
    }

    /** The revision whose {@code message.updated} event this record delivered, when it was one. */
    private static Optional<String> updatedRevision(Mail archived, String mailhookId, DeliveredRecord record) {
        for (int revision = 2; revision <= ArchivedRevisions.latest(archived); revision++) {
            if (WebhookIds.forUpdate(mailhookId, record.endpoint(), revision).equals(record.webhookId())) {
                return ArchivedRevisions.json(archived, revision);
            }
        }
        return Optional.empty();
    }

    /**
     * Makes the archived copy of a delivered mail a {@code message.updated} delivery of a new revision to the
     * same endpoint and recipients: the payload is {@code eventJson} (the revision's document with its
     * {@code event}), under the revision's own webhook-id ({@link WebhookIds#forUpdate}), with a history of
     * its own; the original delivery's record stays. {@link #resetForRedelivery} follows.
     */
    public static void restoreForUpdate(Mail archived, DeliveredRecord record, String mailhookId, int revision, String eventJson)
        throws MessagingException {
        restoreDelivered(archived, record);
        archived.removeAttribute(DeliveryAttributes.REPLAY_OF);
        DeliveryAttributes.start(archived, record.endpoint(), WebhookIds.forUpdate(mailhookId, record.endpoint(), revision),
            record.acceptedAt().toEpochMilli(), record.route());
        MailAttributes.set(archived, MailAttributes.JSON, eventJson);
    }

    /**
     * Prepares a dead letter (or a restored delivered mail) for the webhook queue again: the attempt counter and the age the retry
     * schedule counts from start over; the webhook-id, endpoint and attempt history are kept, so the
     * receiver sees the same webhook-id and the history shows every attempt.
     */
    public static void resetForRedelivery(Mail mail, long nowMillis) {
        mail.removeAttribute(DeliveryAttributes.DEAD_REASON);
        MailAttributes.set(mail, DeliveryAttributes.ATTEMPTS, 0L);
        MailAttributes.set(mail, DeliveryAttributes.ACCEPTED_AT, nowMillis);
    }
}
