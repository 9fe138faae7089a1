package org.mailhook.json;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.mailhook.reports.Report;


/** What the parser found in one message (the mail itself or an attached message/rfc822). */
final class MessageModel {
    /** The address headers in document order, by their JSON names. */
    static final Map<String, String> ADDRESS_FIELDS = Map.of(
        "from", "from", "sender", "sender", "reply-to", "replyTo", "to", "to", "cc", "cc", "bcc", "bcc");
    static final List<String> ADDRESS_ORDER = List.of("from", "sender", "replyTo", "to", "cc", "bcc");

    record Header(String name, String value, String raw) {
    }

    /**
     * A body text part. {@code choice} names what it is one rendering of: the nearest enclosing
     * multipart/alternative, or the part itself; parts of one choice say the same thing.
     */
    record BodyPart(String partId, String contentType, String charset, String content, boolean truncated, String choice) {
    }

    /** A message/partial fragment's parameters (RFC 2046 5.2.2); number and total null when absent or not numbers. */
    record Partial(String id, Integer number, Integer total) {
        /** Fragment 1 of 1: the enclosed message is complete. */
        boolean whole() {
            return Integer.valueOf(1).equals(number) && Integer.valueOf(1).equals(total);
        }
    }

    final List<Header> headers = new ArrayList<>();
    String messageId;
    String inReplyTo;
    List<String> references = List.of();
    Instant date;
    String subject;
    final Map<String, List<EmailAddress>> addresses = new LinkedHashMap<>();
    final List<BodyPart> bodyParts = new ArrayList<>();
    final List<AttachmentModel> attachments = new ArrayList<>();
    /** Set when this message itself is a message/partial fragment. */
    Partial partial;
    /** The first report found among the mail's own parts (never an attached message's); mail only. */
    FoundReport report;

    /** A report read from the part {@code partId}, named {@code filename} (null when unnamed). */
    record FoundReport(String partId, String filename, Report report) {
    }

    List<EmailAddress> addresses(String jsonName) {
        return addresses.getOrDefault(jsonName, List.of());
    }

    /** Attachments of this message and of the messages attached to it, depth first. */
    int attachmentCountDeep() {
        int count = attachments.size();
        for (AttachmentModel attachment : attachments) {
            if (attachment.message != null) {
                count += attachment.message.attachmentCountDeep();
            }
        }
        return count;
    }
}
