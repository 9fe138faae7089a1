package org.mailhook.mailets;

import java.util.Optional;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

/**
 * The {@code mailhook.*} attributes mailets pass to each other. Values are strings and numbers so
 * they survive every James mail queue and repository unchanged.
 */
public final class MailAttributes {
    /** The message JSON (text), written by ToJson. */
    public static final AttributeName JSON = AttributeName.of("mailhook.json");
    /** The idempotency key of the message, written by ToJson. */
    public static final AttributeName ID = AttributeName.of("mailhook.id");
    /** A small JSON object summarising the message for matchers (text), written by ToJson. */
    public static final AttributeName SUMMARY = AttributeName.of("mailhook.summary");
    /** Authentication results JSON (text), written by Authenticate. */
    public static final AttributeName AUTH = AttributeName.of("mailhook.auth");
    /** Attachment verdicts JSON (text), written by QuarantineAttachments. */
    public static final AttributeName SECURITY = AttributeName.of("mailhook.security");
    /** The spam verdict JSON (text), the document's {@code spam} section, written by ScoreSpam. */
    public static final AttributeName SPAM = AttributeName.of("mailhook.spam");
    /** {@code scored} or {@code unavailable}, written by ScoreSpam. */
    public static final AttributeName SPAM_STATUS = AttributeName.of("mailhook.spam.status");
    /** Rspamd's action ({@code no action} … {@code reject}), only when scored; written by ScoreSpam. */
    public static final AttributeName SPAM_ACTION = AttributeName.of("mailhook.spam.action");
    /** Rspamd's score (text, a decimal number), only when scored; written by ScoreSpam. */
    public static final AttributeName SPAM_SCORE = AttributeName.of("mailhook.spam.score");

    private MailAttributes() {
    }

    public static Optional<String> string(Mail mail, AttributeName name) {
        return mail.getAttribute(name)
            .map(Attribute::getValue)
            .map(AttributeValue::getValue)
            .filter(String.class::isInstance)
            .map(String.class::cast);
    }

    public static Optional<Long> number(Mail mail, AttributeName name) {
        return mail.getAttribute(name)
            .map(Attribute::getValue)
            .map(AttributeValue::getValue)
            .filter(Number.class::isInstance)
            .map(value -> ((Number) value).longValue());
    }

    public static void set(Mail mail, AttributeName name, String value) {
        mail.setAttribute(new Attribute(name, AttributeValue.of(value)));
    }

    public static void set(Mail mail, AttributeName name, long value) {
        mail.setAttribute(new Attribute(name, AttributeValue.of(value)));
    }
}
