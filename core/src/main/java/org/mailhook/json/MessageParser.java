package org.mailhook.json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.mailhook.reports.ReportCounts;

/**
 * Parses one raw mail into the {@code mailhook.message.v1} JSON document (see docs/schema.md). The mail
 * is read once, as a stream; limits from {@link ParseOptions} bound time and memory. Bad mail never
 * throws: what could not be read is listed in {@code parse.errors} / {@code parse.warnings}.
 * Thread-safe: one parser can serve all mails.
 */
public final class MessageParser {
    public static final String SCHEMA = "mailhook.message.v1";
    /**
     * The document's {@code parser.version}: raised with every change to this package that changes any
     * document for some mail, so a stored document says which parser made it and a reparse
     * (docs/operations.md#reparse) can tell receivers what changed since.
     */
    public static final String VERSION = "2026.12.1";

    /** Top-level names that extra sections may not take. */
    private static final Set<String> RESERVED = Set.of("schema", "id", "receivedAt", "envelope", "messageId",
        "inReplyTo", "references", "date", "subject", "from", "sender", "replyTo", "to", "cc", "bcc", "headers",
        "text", "html", "strippedText", "bodyParts", "attachments", "calendar", "partial", "report", "raw", "parse",
        "parser", "revision", "revisedAt");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ParseOptions options;

    public MessageParser(ParseOptions options) {
        this.options = options;
    }

    /**
     * @param rawMime the mail as received (header and body); read to its end, not closed
     * @param envelope the SMTP envelope ({@link Envelope#none()} when unknown)
     * @param receivedAt when the mail arrived; written in UTC with millisecond precision
     * @param extraSections top-level fields to embed as they are, e.g. {@code "auth"} → the JSON text of the
     *        authentication results; text that is not JSON is left out with a warning
     */
    public ParsedMessage parse(InputStream rawMime, Envelope envelope, Instant receivedAt, Map<String, String> extraSections) {
        Problems problems = new Problems();
        RawInput raw = new RawInput(rawMime);
        MessageModel message = new MimeWalker(options, problems).walk(raw, "", 0);
        drain(raw, problems);
        return document(message, IdempotencyKey.of(message.headers, raw.bodyDigest()), raw, envelope, receivedAt,
            extraSections, problems);
    }

    /**
     * Parses a bare Outlook {@code .msg} file (CFB/OLE2, not MIME) into the same document: message fields
     * from its transport headers and MAPI properties, its files as attachments {@code 1.m1}, {@code 1.m2} ...
     * The idempotency key takes the SHA-256 of the whole file where a mail has its body's.
     */
    public ParsedMessage parseOutlook(InputStream msg, Envelope envelope, Instant receivedAt, Map<String, String> extraSections) {
        return parseFile(msg, MimeWalker::walkOutlook, envelope, receivedAt, extraSections);
    }

    /**
     * Parses a bare TNEF file (winmail.dat, not MIME) into the same document: no header fields, its files as
     * attachments {@code 1.t1}, {@code 1.t2} ... The idempotency key takes the SHA-256 of the whole file.
     */
    public ParsedMessage parseTnef(InputStream tnef, Envelope envelope, Instant receivedAt, Map<String, String> extraSections) {
        return parseFile(tnef, MimeWalker::walkTnef, envelope, receivedAt, extraSections);
    }

    /** A bare file that is not MIME, read by {@code walk}; the idempotency key takes the whole file's SHA-256. */
    private ParsedMessage parseFile(InputStream file, java.util.function.BiFunction<MimeWalker, InputStream, MessageModel> walk,
                                    Envelope envelope, Instant receivedAt, Map<String, String> extraSections) {
        Problems problems = new Problems();
        RawInput raw = new RawInput(file);
        MessageModel message = walk.apply(new MimeWalker(options, problems), raw);
        drain(raw, problems);
        return document(message, IdempotencyKey.of(message.headers, raw.sha256()), raw, envelope, receivedAt,
            extraSections, problems);
    }

    /** Whether a file starting with these bytes is TNEF (winmail.dat). */
    public static boolean isTnef(byte[] head) {
        return TnefUnpacker.hasSignature(head);
    }

    /** Whether a file starting with these bytes is an Outlook .msg (the Compound File Binary signature). */
    public static boolean isOutlookMsg(byte[] head) {
        return OutlookMessage.hasSignature(head);
    }

    private static void drain(RawInput raw, Problems problems) {
        try {
            raw.drain();
        } catch (IOException e) {
            problems.error("io", "reading the mail failed: " + e.getMessage(), null);
        }
    }

    private ParsedMessage document(MessageModel message, String id, RawInput raw, Envelope envelope, Instant receivedAt,
                                   Map<String, String> extraSections, Problems problems) {
        Map<String, JsonNode> sections = sections(extraSections, problems);
        DocumentWriter.Document document = new DocumentWriter.Document(id, receivedAt.truncatedTo(ChronoUnit.MILLIS),
            envelope == null ? Envelope.none() : envelope, message, raw.size(), raw.sha256Hex(), sections, problems);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = MAPPER.getFactory().createGenerator(out)) {
            DocumentWriter.write(json, document);
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory failed", e);
        }
        List<EmailAddress> from = message.addresses("from");
        return new ParsedMessage(id, out.toByteArray(), message.messageId, message.subject,
            from.isEmpty() ? null : from.get(0).address(), message.attachmentCountDeep(),
            problems.errors().size(), problems.warnings().size(),
            message.report == null ? null : message.report.report().kind().label(),
            message.report == null ? List.of() : ReportCounts.of(message.report.report()));
    }

    private static Map<String, JsonNode> sections(Map<String, String> extraSections, Problems problems) {
        Map<String, JsonNode> sections = new LinkedHashMap<>();
        if (extraSections == null) {
            return sections;
        }
        extraSections.forEach((name, text) -> {
            if (text == null) {
                return;
            }
            if (RESERVED.contains(name)) {
                problems.warning("section.reserved", "extra section '" + name + "' would replace a message field; left out", null);
                return;
            }
            try {
                sections.put(name, MAPPER.readTree(text));
            } catch (IOException e) {
                problems.warning("section.invalid", "extra section '" + name + "' is not JSON; left out", null);
            }
        });
        return sections;
    }
}
