package org.mailhook.mailets.delivery;

import java.util.Optional;

import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;
import org.mailhook.mailets.MailAttributes;

/** Per-delivery state a mail carries through the webhook queue and into dead letters. */
public final class DeliveryAttributes {
    public static final AttributeName ENDPOINT = AttributeName.of("mailhook.webhook.endpoint");
    public static final AttributeName WEBHOOK_ID = AttributeName.of("mailhook.webhook.id");
    public static final AttributeName ATTEMPTS = AttributeName.of("mailhook.webhook.attempts");
    public static final AttributeName ACCEPTED_AT = AttributeName.of("mailhook.webhook.acceptedAt");
    /** JSON array of {at, status, latencyMs, error}, one per attempt. */
    public static final AttributeName HISTORY = AttributeName.of("mailhook.webhook.history");
    public static final AttributeName DEAD_REASON = AttributeName.of("mailhook.webhook.deadReason");
    /** JSON {endpoint, recipients[{address, tag}]}: added to the payload as "route". */
    public static final AttributeName ROUTE = AttributeName.of("mailhook.webhook.route");
    /** On a replay: the key of the delivered record it was made from ({@link DeliveredStore}). */
    public static final AttributeName REPLAY_OF = AttributeName.of("mailhook.webhook.replayOf");

    private DeliveryAttributes() {
    }

    static void start(Mail mail, String endpoint, String webhookId, long acceptedAtMillis, String routeJson) {
        MailAttributes.set(mail, ROUTE, routeJson);
        MailAttributes.set(mail, ENDPOINT, endpoint);
        MailAttributes.set(mail, WEBHOOK_ID, webhookId);
        MailAttributes.set(mail, ATTEMPTS, 0L);
        MailAttributes.set(mail, ACCEPTED_AT, acceptedAtMillis);
        MailAttributes.set(mail, HISTORY, "[]");
    }

    static String webhookId(Mail mail) {
        return MailAttributes.string(mail, WEBHOOK_ID).orElse("unknown");
    }

    static long attempts(Mail mail) {
        return MailAttributes.number(mail, ATTEMPTS).orElse(0L);
    }

    static long acceptedAt(Mail mail) {
        return MailAttributes.number(mail, ACCEPTED_AT).orElse(0L);
    }

    static Optional<String> endpoint(Mail mail) {
        return MailAttributes.string(mail, ENDPOINT);
    }

    static String route(Mail mail) {
        return MailAttributes.string(mail, ROUTE).orElse("null");
    }

    static String history(Mail mail) {
        return MailAttributes.string(mail, HISTORY).orElse("[]");
    }
}
