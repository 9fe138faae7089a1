package org.mailhook.json;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;

/** Writes the {@code mailhook.message.v1} document with Jackson's streaming generator. */
final class DocumentWriter {
    /** Escapes strings exactly as the document's generator does (same factory defaults as ObjectMapper's). */

    private DocumentWriter() {
    }

    record Document(String id, Instant receivedAt, Envelope envelope, MessageModel message, long rawSize,
                    String rawSha256, Map<String, JsonNode> extraSections, Problems problems) {
    }

    static void write(JsonGenerator json, Document document) throws IOException {
        json.writeStartObject();
        json.writeStringField("schema", MessageParser.SCHEMA);
        json.writeStringField("id", document.id());
        json.writeStringField("receivedAt", document.receivedAt().toString());
        json.writeObjectFieldStart("parser");
        json.writeStringField("version", MessageParser.VERSION);
        json.writeEndObject();
        writeEnvelope(json, document.envelope());
        writeMessage(json, document.message(), true);
        ReportSection.write(json, document.message().report);
        json.writeObjectFieldStart("raw");
        json.writeNumberField("size", document.rawSize());
        json.writeStringField("sha256", document.rawSha256());
        json.writeEndObject();
        for (Map.Entry<String, JsonNode> section : document.extraSections().entrySet()) {
            json.writeFieldName(section.getKey());
            json.writeTree(section.getValue());
        }
        json.writeObjectFieldStart("parse");
        writeProblems(json, "errors", document.problems().errors());
        writeProblems(json, "warnings", document.problems().warnings());
        json.writeEndObject();
        json.writeEndObject();
    }

    private static void writeEnvelope(JsonGenerator json, Envelope envelope) throws IOException {
        json.writeObjectFieldStart("envelope");
        json.writeStringField("mailFrom", envelope.mailFrom());
        json.writeArrayFieldStart("rcptTo");
        for (String rcpt : envelope.rcptTo()) {
            json.writeString(rcpt);
        }
        json.writeEndArray();
        json.writeStringField("remoteAddress", envelope.remoteAddress());
        json.writeStringField("remoteHost", envelope.remoteHost());
        json.writeStringField("helo", envelope.helo());
        json.writeEndObject();
    }

    /** The message fields, shared by the mail itself and every attached message. */
    private static void writeMessage(JsonGenerator json, MessageModel message, boolean top) throws IOException {
        json.writeStringField("messageId", message.messageId);
        json.writeStringField("inReplyTo", message.inReplyTo);
        writeStrings(json, "references", message.references);
        json.writeStringField("date", message.date == null ? null : message.date.toString());
        json.writeStringField("subject", message.subject);
        for (String field : MessageModel.ADDRESS_ORDER) {
            json.writeArrayFieldStart(field);
            for (EmailAddress address : message.addresses(field)) {
                json.writeStartObject();
                json.writeStringField("name", address.name());
                json.writeStringField("address", address.address());
                if (address.group() != null) {
                    json.writeStringField("group", address.group());
                }
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        json.writeArrayFieldStart("headers");
        for (MessageModel.Header header : message.headers) {
            json.writeStartObject();
            json.writeStringField("name", header.name());
            json.writeStringField("value", header.value());
            json.writeStringField("raw", header.raw());
            json.writeEndObject();
        }
        json.writeEndArray();
        Bodies bodies = Bodies.of(message);
        String stripped = bodies.text() == null ? null : ReplyText.strip(bodies.text());
        JsonText escaped = new JsonText();
        int[] strippedSlice = writeText(json, escaped, bodies.text(), stripped);
        if (bodies.html() == null) {
            json.writeNullField("html");
        } else {
            int from = escaped.length();
            int to = escaped.append(bodies.html(), 0, bodies.html().length());
            json.writeFieldName("html");
            escaped.write(json, from, to);
        }
        if (strippedSlice != null) {
            json.writeFieldName("strippedText");
            escaped.write(json, strippedSlice[0], strippedSlice[1]);
        } else {
            json.writeStringField("strippedText", stripped);
        }
        json.writeArrayFieldStart("bodyParts");
        for (MessageModel.BodyPart part : message.bodyParts) {
            json.writeStartObject();
            json.writeStringField("partId", part.partId());
            json.writeStringField("contentType", part.contentType());
            json.writeStringField("charset", part.charset());
            json.writeBooleanField("truncated", part.truncated());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeArrayFieldStart("attachments");
        for (AttachmentModel attachment : message.attachments) {
            writeAttachment(json, attachment);
        }
        json.writeEndArray();
        if (message.partial != null) {
            writePartial(json, message.partial);
        }
        if (top) {
            json.writeArrayFieldStart("calendar");
            writeInvites(json, message);
            json.writeEndArray();
        }
    }

    /**
     * Writes {@code text}. The stripped text is almost always a slice of it (the reply without the quote
     * and signature, trimmed); escaping is a large part of writing a document, so the text is escaped once
     * into {@code escaped} and the slice's place there is returned for {@code strippedText}. Null when the
     * stripped text is not a slice.
     */
    private static int[] writeText(JsonGenerator json, JsonText escaped, String text, String stripped) throws IOException {
        if (text == null) {
            json.writeNullField("text");
            return null;
        }
        int start = 0;
        while (start < text.length() && Character.isWhitespace(text.charAt(start))) {
            start++;
        }
        boolean slice = stripped != null && text.startsWith(stripped, start);
        int end = slice ? start + stripped.length() : start;
        int from = escaped.length();
        int middleFrom = escaped.append(text, 0, start);
        int middleTo = escaped.append(text, start, end);
        int to = escaped.append(text, end, text.length());
        json.writeFieldName("text");
        escaped.write(json, from, to);
        return slice ? new int[] {middleFrom, middleTo} : null;
    }

    private static void writeInvites(JsonGenerator json, MessageModel message) throws IOException {
        for (AttachmentModel attachment : message.attachments) {
            if (attachment.calendar != null) {
                writeInvite(json, attachment.partId, attachment.calendar);
            }
            if (attachment.message != null) {
                writeInvites(json, attachment.message);
            }
        }
    }

    private static void writeAttachment(JsonGenerator json, AttachmentModel attachment) throws IOException {
        json.writeStartObject();
        json.writeStringField("partId", attachment.partId);
        if (attachment.parentPartId != null) {
            json.writeStringField("parentPartId", attachment.parentPartId);
        }
        json.writeStringField("source", attachment.source);
        json.writeStringField("filename", attachment.filename);
        json.writeStringField("contentType", attachment.contentType);
        if (attachment.charset != null) {
            json.writeStringField("charset", attachment.charset);
        }
        json.writeStringField("disposition", attachment.disposition);
        json.writeStringField("contentId", attachment.contentId);
        if (attachment.description != null) {
            json.writeStringField("description", attachment.description);
        }
        json.writeNumberField("size", attachment.size);
        json.writeStringField("sha256", attachment.sha256);
        if (attachment.content != null) {
            json.writeFieldName("content");
            json.writeBinary(attachment.content);
        } else {
            json.writeStringField("contentRef", "attachments/" + attachment.partId);
        }
        if (attachment.partial != null) {
            writePartial(json, attachment.partial);
        }
        if (attachment.calendar != null) {
            json.writeFieldName("calendar");
            writeInvite(json, attachment.partId, attachment.calendar);
        }
        if (attachment.message != null) {
            json.writeObjectFieldStart("message");
            writeMessage(json, attachment.message, false);
            json.writeEndObject();
        }
        json.writeEndObject();
    }

    private static void writePartial(JsonGenerator json, MessageModel.Partial partial) throws IOException {
        json.writeObjectFieldStart("partial");
        json.writeStringField("id", partial.id());
        writeNumberOrNull(json, "number", partial.number());
        writeNumberOrNull(json, "total", partial.total());
        json.writeEndObject();
    }

    private static void writeNumberOrNull(JsonGenerator json, String field, Integer value) throws IOException {
        if (value == null) {
            json.writeNullField(field);
        } else {
            json.writeNumberField(field, value);
        }
    }

    private static void writeInvite(JsonGenerator json, String partId, CalendarInvite invite) throws IOException {
        json.writeStartObject();
        json.writeStringField("partId", partId);
        json.writeStringField("method", invite.method());
        json.writeStringField("uid", invite.uid());
        json.writeStringField("summary", invite.summary());
        json.writeStringField("description", invite.description());
        json.writeStringField("location", invite.location());
        json.writeStringField("start", invite.start());
        json.writeStringField("end", invite.end());
        json.writeStringField("timeZone", invite.timeZone());
        json.writeStringField("status", invite.status());
        writeNumberOrNull(json, "sequence", invite.sequence());
        json.writeFieldName("organizer");
        writePerson(json, invite.organizer());
        json.writeArrayFieldStart("attendees");
        for (CalendarInvite.Person attendee : invite.attendees()) {
            writePerson(json, attendee);
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void writePerson(JsonGenerator json, CalendarInvite.Person person) throws IOException {
        if (person == null) {
            json.writeNull();
            return;
        }
        json.writeStartObject();
        json.writeStringField("name", person.name());
        json.writeStringField("address", person.address());
        json.writeStringField("role", person.role());
        json.writeStringField("status", person.status());
        if (person.rsvp() == null) {
            json.writeNullField("rsvp");
        } else {
            json.writeBooleanField("rsvp", person.rsvp());
        }
        json.writeEndObject();
    }

    private static void writeProblems(JsonGenerator json, String field, List<Problems.Problem> problems) throws IOException {
        json.writeArrayFieldStart(field);
        for (Problems.Problem problem : problems) {
            json.writeStartObject();
            json.writeStringField("code", problem.code());
            json.writeStringField("message", problem.message());
            json.writeStringField("partId", problem.partId());
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    static void writeStrings(JsonGenerator json, String field, List<String> values) throws IOException {
        json.writeArrayFieldStart(field);
        for (String value : values) {
            json.writeString(value);
        }
        json.writeEndArray();
    }

    /**
     * The text and HTML of a message: every text/html part joined into {@code html}; {@code text} joins,
     * in order, each choice's text/plain parts, or the text of its HTML when the choice has no plain part
     * (an HTML part beside plain ones in a multipart/mixed carries text of its own, as mailparser and
     * postal-mime read it). Without any text/plain part, {@code text} is the HTML's text.
     */
    record Bodies(String text, String html) {
        static Bodies of(MessageModel message) {
            List<String> plain = new ArrayList<>();
            List<String> html = new ArrayList<>();
            boolean htmlOnlyChoice = false;
            for (MessageModel.BodyPart part : message.bodyParts) {
                boolean isHtml = part.contentType().equals("text/html");
                (isHtml ? html : plain).add(part.content());
                htmlOnlyChoice |= isHtml && !hasPlain(message.bodyParts, part.choice());
            }
            String htmlText = joined(html);
            if (plain.isEmpty()) {
                return new Bodies(htmlText == null ? null : HtmlText.of(htmlText), htmlText);
            }
            return new Bodies(htmlOnlyChoice ? textOfChoices(message.bodyParts) : joined(plain), htmlText);
        }

        private static boolean hasPlain(List<MessageModel.BodyPart> parts, String choice) {
            for (MessageModel.BodyPart part : parts) {
                if (part.choice().equals(choice) && !part.contentType().equals("text/html")) {
                    return true;
                }
            }
            return false;
        }

        /** Each choice's plain parts, or its HTML's text, in the order the parts came. */
        private static String textOfChoices(List<MessageModel.BodyPart> parts) {
            List<String> texts = new ArrayList<>();
            for (MessageModel.BodyPart part : parts) {
                boolean isHtml = part.contentType().equals("text/html");
                if (!isHtml) {
                    texts.add(part.content());
                } else if (!hasPlain(parts, part.choice())) {
                    String text = HtmlText.of(part.content());
                    if (!text.isEmpty()) {
                        texts.add(text);
                    }
                }
            }
            return String.join("\n", texts);
        }

        /** The parts joined with line breaks; one part as it is (a body can be megabytes). */
        private static String joined(List<String> parts) {
            return parts.isEmpty() ? null : parts.size() == 1 ? parts.get(0) : String.join("\n", parts);
        }
    }
}
