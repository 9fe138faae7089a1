package org.mailhook.json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RecursionMode;

/**
 * Walks one MIME message with mime4j's pull parser and fills a {@link MessageModel}: the message's
 * header, the structure and the part numbers; each leaf is read by the {@link LeafReader}. Attached
 * messages are walked recursively on their decoded stream. Part ids follow IMAP (RFC 3501) section
 * numbers: "1", "2.1" ... One walker serves one mail; its {@link WalkState} enforces the limits across
 * nested messages.
 */
final class MimeWalker {
    private final WalkState state;
    private final MimeConfig config;
    private final LeafReader leaves;
    private final EmbeddedFiles embedded;

    /** Where the decoded bytes of one part go while walking, for {@link AttachmentExtractor}. */
    record Target(String partId, OutputStream out) {
    }

    MimeWalker(ParseOptions options, Problems problems) {
        this(options, problems, null);
    }

    MimeWalker(ParseOptions options, Problems problems, Target target) {
        this.state = new WalkState(options, problems, target);
        this.embedded = new EmbeddedFiles(state);
        this.leaves = new LeafReader(state, this, embedded);
        this.config = MimeConfig.custom()
            .setStrictParsing(false)
            .setMaxLineLen(options.maxHeaderBytes())
            .setMaxHeaderLen(options.maxHeaderBytes())
            .setMaxHeaderCount(-1)
            .setMaxContentLen(-1)
            .build();
    }

    /** One MIME entity being read: its header fields and, for a multipart, how many children it has. */
    static final class Entity {
        final String id;
        final boolean root;
        final int depth;
        /** Whether this entity belongs to the mail itself rather than to a message attached to it. */
        final boolean ofMail;
        final List<Field> fields = new ArrayList<>();
        int headerBytes;
        int children;
        /** The nearest multipart/alternative this entity is, or is inside of; null when none. */
        String alternative;
        byte[] preamble;
        boolean headerLimitReported;

        Entity(String id, boolean root, int depth, boolean ofMail) {
            this.id = id;
            this.root = root;
            this.depth = depth;
            this.ofMail = ofMail;
        }

        String childId() {
            children++;
            return root ? (id.isEmpty() ? "" : id + ".") + children : id + "." + children;
        }

        String bodyId() {
            return root ? (id.isEmpty() ? "1" : id + ".1") : id;
        }

        Field field(String lowerCaseName) {
            for (Field field : fields) {
                if (field.getNameLowerCase().equals(lowerCaseName)) {
                    return field;
                }
            }
            return null;
        }
    }

    /**
     * Reads a message from {@code in} (which the caller drains and closes).
     *
     * @param prefix the part id of the message/rfc822 part this message is attached as, "" for the mail
     */
    MessageModel walk(InputStream in, String prefix, int depth) {
        ParseOptions options = state.options;
        Problems problems = state.problems;
        MessageModel message = new MessageModel();
        MimeTokenStream tokens = new MimeTokenStream(config, state.monitor, null);
        tokens.setRecursionMode(RecursionMode.M_NO_RECURSE);
        tokens.parse(in);
        Deque<Entity> stack = new ArrayDeque<>();
        try {
            for (EntityState token = tokens.getState(); token != EntityState.T_END_OF_STREAM; token = tokens.next()) {
                switch (token) {
                    case T_START_MESSAGE -> {
                        stack.push(new Entity(prefix, true, depth, prefix.isEmpty()));
                        state.partId = prefix.isEmpty() ? null : prefix;
                    }
                    case T_START_BODYPART -> {
                        Entity parent = stack.peek();
                        Entity part = new Entity(parent.childId(), false, parent.depth + 1, parent.ofMail);
                        part.alternative = parent.alternative;
                        stack.push(part);
                        state.partId = part.id;
                        if (state.pastPartLimit()) {
                            problems.warning("limit.parts", "more than " + options.maxParts()
                                + " MIME parts; the rest of the mail is not parsed", part.id);
                            tokens.stop();
                        }
                    }
                    case T_FIELD -> addField(stack.peek(), tokens.getField());
                    case T_END_HEADER -> {
                        if (stack.peek().root) {
                            readHeaders(stack.peek(), message);
                        }
                    }
                    case T_START_MULTIPART -> {
                        if ("multipart/alternative".equalsIgnoreCase(tokens.getBodyDescriptor().getMimeType())) {
                            stack.peek().alternative = stack.peek().bodyId();
                        }
                        if (stack.peek().depth >= options.maxDepth()) {
                            problems.warning("limit.depth", "multiparts nested deeper than " + options.maxDepth()
                                + "; the rest of the mail is not parsed", stack.peek().bodyId());
                            tokens.stop();
                        }
                    }
                    case T_BODY -> leaves.read(tokens, stack.peek(), message);
                    case T_PREAMBLE -> stack.peek().preamble = tokens.getInputStream().readNBytes(state.remainingText());
                    case T_END_MULTIPART -> keepPreambleOfEmptyMultipart(stack.peek(), message);
                    case T_END_BODYPART -> stack.pop();
                    default -> {
                        // preamble, epilogue, end of multipart / message: nothing to record
                    }
                }
            }
        } catch (MimeException e) {
            problems.error("mime.unreadable", "the MIME structure could not be read past this point: " + e.getMessage(),
                state.partId);
        } catch (IOException e) {
            problems.error("io", "reading the mail failed: " + e.getMessage(), state.partId);
        } catch (RuntimeException e) {
            // a library failing on hostile input must not lose the mail: keep what was read so far
            problems.error("mime.unreadable", "parsing stopped: " + e, state.partId);
        }
        return message;
    }

    /** A bare TNEF file (winmail.dat, not MIME): a message of its files, {@code 1.t1}, {@code 1.t2} ... */
    MessageModel walkTnef(InputStream in) {
        return embedded.bareTnef(in);
    }

    /** A bare Outlook .msg file (not MIME) as a message; its part id is "1". */
    MessageModel walkOutlook(InputStream in) {
        return embedded.bareOutlook(in);
    }

    private void addField(Entity entity, Field field) {
        int length = field.getRaw() == null ? 0 : field.getRaw().length();
        ParseOptions options = state.options;
        if (entity.headerBytes + length > options.maxHeaderBytes()) {
            if (!entity.headerLimitReported) {
                entity.headerLimitReported = true;
                state.problems.warning("limit.header_bytes", "header block larger than " + options.maxHeaderBytes()
                    + " bytes; later fields are not kept", entity.root ? currentPartIdOrNull(entity) : entity.id);
            }
            return;
        }
        entity.headerBytes += length;
        entity.fields.add(field);
    }

    private static String currentPartIdOrNull(Entity entity) {
        return entity.id.isEmpty() ? null : entity.id;
    }

    private void readHeaders(Entity entity, MessageModel message) {
        for (Field field : entity.fields) {
            String raw = HeaderValues.rawValue(field);
            String unfolded = HeaderValues.unfold(raw);
            String name = field.getName();
            String decoded = decodeWords(name, unfolded, currentPartIdOrNull(entity));
            message.headers.add(new MessageModel.Header(name, decoded, raw));
            String lower = name.toLowerCase(Locale.ROOT).strip();
            String addressField = MessageModel.ADDRESS_FIELDS.get(lower);
            if (addressField != null) {
                List<EmailAddress> list = message.addresses.computeIfAbsent(addressField, k -> new ArrayList<>());
                list.addAll(Addresses.parse(unfolded));
                continue;
            }
            switch (lower) {
                case "message-id" -> {
                    if (message.messageId == null) {
                        List<String> ids = HeaderValues.messageIds(unfolded);
                        message.messageId = ids.isEmpty() ? null : ids.get(0);
                    }
                }
                case "in-reply-to" -> {
                    if (message.inReplyTo == null) {
                        List<String> ids = HeaderValues.messageIds(unfolded);
                        message.inReplyTo = ids.isEmpty() ? null : ids.get(ids.size() - 1);
                    }
                }
                case "references" -> message.references = HeaderValues.messageIds(unfolded);
                case "subject" -> {
                    if (message.subject == null) {
                        message.subject = decoded;
                    }
                }
                case "date" -> {
                    if (message.date == null) {
                        Instant date = HeaderValues.date(field);
                        if (date == null) {
                            state.problems.warning("date.unparseable", "Date header is not a date: " + unfolded,
                                currentPartIdOrNull(entity));
                        }
                        message.date = date;
                    }
                }
                default -> {
                    // kept in headers only
                }
            }
        }
    }

    /**
     * A header value's encoded words decoded, with a warning for each unknown charset label and for bytes
     * that are not valid in their charset (U+FFFD in the text where the value had none).
     */
    String decodeWords(String name, String unfolded, String partId) {
        String decoded = EncodedWords.decode(unfolded, label -> state.problems.warning("charset.unknown",
            "unknown charset '" + label + "' in an encoded word of " + name + "; read as UTF-8 when valid, else windows-1252",
            partId));
        if (decoded != unfolded && decoded.indexOf('\uFFFD') >= 0 && unfolded.indexOf('\uFFFD') < 0) {
            state.problems.warning("charset.undecodable", "an encoded word of " + name
                + " has bytes that are not valid in its charset; they became U+FFFD", partId);
        }
        return decoded;
    }

    /** A multipart without any part (no delimiter found) still shows its text rather than losing it. */
    private void keepPreambleOfEmptyMultipart(Entity entity, MessageModel message) {
        if (entity.children > 0 || entity.preamble == null || entity.preamble.length == 0) {
            return;
        }
        String text = Charsets.decodeUnlabelled(entity.preamble, entity.preamble.length).replace("\r\n", "\n");
        state.textKept(entity.preamble.length);
        state.problems.error("mime.no_parts", "multipart has no body part; its text is kept as a text/plain body", entity.bodyId());
        message.bodyParts.add(new MessageModel.BodyPart(entity.bodyId(), "text/plain", null, text, false, entity.bodyId()));
    }
}
