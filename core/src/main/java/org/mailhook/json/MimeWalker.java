package org.mailhook.json;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RecursionMode;

/**
 * Walks one MIME message with mime4j's pull parser and fills a {@link MessageModel}. Each leaf is read
 * once, as a stream: hashed while decoded, kept only up to the limits. Attached messages are walked
 * recursively on their decoded stream. Part ids follow IMAP (RFC 3501) section numbers: "1", "2.1" ...
 * One walker serves one mail; its counters enforce the limits across nested messages.
 */
final class MimeWalker {
    private static final java.util.regex.Pattern CONTROL = java.util.regex.Pattern.compile("\\p{Cntrl}");
    private static final java.util.regex.Pattern WIDE_CHARSET = java.util.regex.Pattern.compile("\"?(UTF-?(16|32)|UCS-?[24]).*");

    private final ParseOptions options;
    private final Problems problems;
    private final MimeConfig config;
    private int entities;
    private long textBytes;
    private String currentPartId;

    /** Where the decoded bytes of one part go while walking, for {@link AttachmentExtractor}. */
    record Target(String partId, OutputStream out) {
    }

    private final Target target;
    /** mime4j's warnings, as problems of the part being read. */
    private final DecodeMonitor monitor = problemsMonitor();

    MimeWalker(ParseOptions options, Problems problems) {
        this(options, problems, null);
    }

    MimeWalker(ParseOptions options, Problems problems, Target target) {
        this.options = options;
        this.problems = problems;
        this.target = target;
        this.config = MimeConfig.custom()
            .setStrictParsing(false)
            .setMaxLineLen(options.maxHeaderBytes())
            .setMaxHeaderLen(options.maxHeaderBytes())
            .setMaxHeaderCount(-1)
            .setMaxContentLen(-1)
            .build();
    }

    /** One MIME entity being read: its header fields and, for a multipart, how many children it has. */
    private static final class Entity {
        final String id;
        final boolean root;
        final int depth;
        final List<Field> fields = new ArrayList<>();
        int headerBytes;
        int children;
        byte[] preamble;
        boolean headerLimitReported;

        Entity(String id, boolean root, int depth) {
            this.id = id;
            this.root = root;
            this.depth = depth;
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
        MessageModel message = new MessageModel();
        MimeTokenStream tokens = new MimeTokenStream(config, monitor, null);
        tokens.setRecursionMode(RecursionMode.M_NO_RECURSE);
        tokens.parse(in);
        Deque<Entity> stack = new ArrayDeque<>();
        try {
            for (EntityState state = tokens.getState(); state != EntityState.T_END_OF_STREAM; state = tokens.next()) {
                switch (state) {
                    case T_START_MESSAGE -> {
                        stack.push(new Entity(prefix, true, depth));
                        currentPartId = prefix.isEmpty() ? null : prefix;
                    }
                    case T_START_BODYPART -> {
                        Entity parent = stack.peek();
                        Entity part = new Entity(parent.childId(), false, parent.depth + 1);
                        stack.push(part);
                        currentPartId = part.id;
                        if (++entities > options.maxParts()) {
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
                        if (stack.peek().depth >= options.maxDepth()) {
                            problems.warning("limit.depth", "multiparts nested deeper than " + options.maxDepth()
                                + "; the rest of the mail is not parsed", stack.peek().bodyId());
                            tokens.stop();
                        }
                    }
                    case T_BODY -> readLeaf(tokens, stack.peek(), message);
                    case T_PREAMBLE -> stack.peek().preamble = readUpTo(tokens.getInputStream(), remainingText());
                    case T_END_MULTIPART -> keepPreambleOfEmptyMultipart(stack.peek(), message);
                    case T_END_BODYPART -> stack.pop();
                    default -> {
                        // preamble, epilogue, end of multipart / message: nothing to record
                    }
                }
            }
        } catch (MimeException e) {
            problems.error("mime.unreadable", "the MIME structure could not be read past this point: " + e.getMessage(),
                currentPartId);
        } catch (IOException e) {
            problems.error("io", "reading the mail failed: " + e.getMessage(), currentPartId);
        } catch (RuntimeException e) {
            // a library failing on hostile input must not lose the mail: keep what was read so far
            problems.error("mime.unreadable", "parsing stopped: " + e, currentPartId);
        }
        return message;
    }

    private DecodeMonitor problemsMonitor() {
        return new DecodeMonitor() {
            @Override
            public boolean warn(String text, String dummy) {
                // mime4j's quoted-printable decoder says these once per line: answered before any other work
                if (text.equals("Found LF without CR") || text.equals("ignored blanks")) {
                    return false;
                }
                String lower = text.toLowerCase(Locale.ROOT);
                if (lower.contains("lf without cr") || lower.equals("ignored blanks")) {
                    // bare LF line ends are how most stored mail looks, and quoted-printable drops trailing
                    // blanks by definition (RFC 2045 6.7): neither is a problem of the mail
                    return false;
                } else if (lower.contains("ended prematurely") || lower.contains("unexpected end of headers")) {
                    problems.error("mime.truncated", text, currentPartId);
                } else if (lower.contains("invalid header")) {
                    problems.error("header.invalid", text + " (a header line without a name was left out)", currentPartId);
                } else if (lower.contains("obsolete header")) {
                    problems.warning("header.obsolete", text, currentPartId);
                } else if (lower.contains("base64") || lower.contains("soft line break") || lower.contains("encoded")) {
                    problems.warning("encoding.invalid", text, currentPartId);
                } else {
                    problems.error("mime.malformed", text, currentPartId);
                }
                return false;
            }

            @Override
            public boolean isListening() {
                return true;
            }
        };
    }

    private void addField(Entity entity, Field field) {
        int length = field.getRaw() == null ? 0 : field.getRaw().length();
        if (entity.headerBytes + length > options.maxHeaderBytes()) {
            if (!entity.headerLimitReported) {
                entity.headerLimitReported = true;
                problems.warning("limit.header_bytes", "header block larger than " + options.maxHeaderBytes()
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
                            problems.warning("date.unparseable", "Date header is not a date: " + unfolded,
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
    private String decodeWords(String name, String unfolded, String partId) {
        String decoded = EncodedWords.decode(unfolded, label -> problems.warning("charset.unknown",
            "unknown charset '" + label + "' in an encoded word of " + name + "; read as UTF-8 when valid, else windows-1252",
            partId));
        if (decoded != unfolded && decoded.indexOf('\uFFFD') >= 0 && unfolded.indexOf('\uFFFD') < 0) {
            problems.warning("charset.undecodable", "an encoded word of " + name
                + " has bytes that are not valid in its charset; they became U+FFFD", partId);
        }
        return decoded;
    }

    private void readLeaf(MimeTokenStream tokens, Entity entity, MessageModel message) throws IOException {
        String partId = entity.bodyId();
        currentPartId = partId;
        BodyDescriptor descriptor = tokens.getBodyDescriptor();
        String contentType = descriptor.getMimeType() == null ? "application/octet-stream"
            : descriptor.getMimeType().toLowerCase(Locale.ROOT);
        MimeParameters type = MimeParameters.parse(value(entity.field("content-type")));
        MimeParameters disposition = MimeParameters.parse(value(entity.field("content-disposition")));
        String charset = type.get("charset");
        String filename = cleanFilename(disposition.get("filename") != null ? disposition.get("filename") : type.get("name"));
        String dispositionType = disposition.value() == null || disposition.value().isEmpty() ? null : disposition.value();
        String transferEncoding = descriptor.getTransferEncoding() == null ? ""
            : descriptor.getTransferEncoding().toLowerCase(Locale.ROOT);
        if (charset != null && !Charsets.isKnownOrAscii(charset)) {
            problems.warning("charset.unknown", "unknown charset '" + charset
                + "'; text read as UTF-8 when valid, else windows-1252", partId);
        }

        boolean uuencoded = transferEncoding.equals("x-uuencode") || transferEncoding.equals("uuencode")
            || transferEncoding.equals("x-uue");
        InputStream decoded = uuencoded ? tokens.getInputStream()
            : transferEncoding.equals("base64") ? new Base64Body(tokens.getInputStream(), monitor) : tokens.getDecodedInputStream();
        boolean textual = contentType.equals("text/plain") || contentType.equals("text/html");
        boolean body = textual && !uuencoded && !"attachment".equals(dispositionType)
            && (filename == null || "inline".equals(dispositionType));
        if (body) {
            // body text is held anyway (up to the text budget): judge all of it, not only its start
            byte[] bytes = readUpTo(decoded, remainingText());
            if (isWideCharset(charset) || !looksBinary(bytes)) {
                readBody(bytes, decoded, partId, contentType, type, message);
                return;
            }
            // binary data labelled as text (a headerless file, a broken gateway): keep it out of "text"
            body = false;
            problems.warning("text.binary", "text part is mostly control bytes; it is an attachment, not body text",
                partId);
            decoded = new SequenceInputStream(new ByteArrayInputStream(bytes), decoded);
        }
        if (target != null && target.partId().equals(partId) && !uuencoded) {
            decoded = new CopyingStream(decoded, target.out());
        }

        AttachmentModel attachment = new AttachmentModel();
        attachment.partId = partId;
        attachment.filename = filename;
        attachment.contentType = contentType;
        attachment.charset = contentType.startsWith("text/") ? charset : null;
        attachment.disposition = disposition(dispositionType, contentType, filename);
        Field contentId = entity.field("content-id");
        if (contentId != null) {
            List<String> ids = HeaderValues.messageIds(HeaderValues.unfold(HeaderValues.rawValue(contentId)));
            attachment.contentId = ids.isEmpty() ? null : ids.get(0);
        }
        Field description = entity.field("content-description");
        if (description != null) {
            attachment.description = decodeWords(description.getName(),
                HeaderValues.unfold(HeaderValues.rawValue(description)), partId);
        }
        message.attachments.add(attachment);

        if (uuencoded) {
            readUuencodedPart(decoded, attachment);
            return;
        }
        MeasuredStream measured = new MeasuredStream(decoded, options.attachmentInlineBytes());
        List<AttachmentModel> derived = new ArrayList<>();
        boolean wholePartial = false;
        if (contentType.equals("message/partial")) {
            attachment.partial = partial(type, partId);
            wholePartial = attachment.partial.whole();
            if (entity.root) {
                message.partial = attachment.partial;
            }
        }
        if (contentType.equals("message/rfc822") || contentType.equals("message/global") || wholePartial) {
            if (mayNest(entity, partId)) {
                attachment.message = walk(measured, partId, entity.depth + 1);
                currentPartId = partId;
            }
        } else if (OutlookMessage.isOutlookType(contentType, filename)) {
            BufferedInputStream peekable = new BufferedInputStream(measured, OutlookMessage.SIGNATURE_LENGTH);
            peekable.mark(OutlookMessage.SIGNATURE_LENGTH);
            byte[] head = peekable.readNBytes(OutlookMessage.SIGNATURE_LENGTH);
            peekable.reset();
            if (OutlookMessage.hasSignature(head) && mayNest(entity, partId)) {
                attachment.message = outlook(peekable, partId, entity.depth + 1);
            }
        } else if (TnefUnpacker.isTnef(contentType, filename)) {
            derived.addAll(tnefFiles(measured, partId));
        } else if (contentType.equals("text/calendar") || contentType.equals("application/ics")) {
            byte[] bytes = readUpTo(measured, Math.min(remainingText(), 1024 * 1024));
            CalendarInvite invite = CalendarInvite.parse(Charsets.decode(bytes, bytes.length, charset));
            if (invite == null) {
                problems.warning("calendar.unreadable", "text/calendar part holds no VCALENDAR", partId);
            }
            attachment.calendar = invite;
        }
        measured.drain();
        attachment.size = measured.size();
        attachment.sha256 = measured.sha256Hex();
        attachment.content = measured.kept();
        message.attachments.addAll(derived);
    }

    /** Whether an attached message may be parsed within the depth and part limits; says so when not. */
    private boolean mayNest(Entity entity, String partId) {
        if (entity.depth + 1 > options.maxDepth()) {
            problems.warning("limit.depth", "attached message nested deeper than " + options.maxDepth()
                + " is not parsed", partId);
            return false;
        }
        if (++entities > options.maxParts()) {
            problems.warning("limit.parts", "more than " + options.maxParts()
                + " MIME parts; the attached message is not parsed", partId);
            return false;
        }
        return true;
    }

    /** The files of a TNEF part as attachments {@code <part>.t1}, {@code .t2} ...; what cannot be read is an error. */
    private List<AttachmentModel> tnefFiles(InputStream tnef, String partId) throws IOException {
        List<AttachmentModel> files = new ArrayList<>();
        try {
            int index = 0;
            for (TnefUnpacker.File file : TnefUnpacker.unpack(tnef)) {
                index++;
                if (file.bytes() == null) {
                    problems.error("tnef.unreadable", "TNEF attachment " + index + " ('" + file.name()
                        + "') could not be read: " + file.failure(), partId);
                } else {
                    files.add(derivedAttachment(partId, partId + ".t" + index, AttachmentModel.SOURCE_TNEF,
                        file.name(), file.bytes()));
                }
            }
        } catch (IOException e) {
            problems.error("tnef.unreadable", "TNEF part could not be unpacked: " + e.getMessage(), partId);
        }
        return files;
    }

    /** A bare TNEF file (winmail.dat, not MIME): a message of its files, {@code 1.t1}, {@code 1.t2} ... */
    MessageModel walkTnef(InputStream in) {
        MessageModel message = new MessageModel();
        try {
            message.attachments.addAll(tnefFiles(in, "1"));
        } catch (IOException e) {
            problems.error("tnef.unreadable", "TNEF file could not be unpacked: " + e.getMessage(), "1");
        }
        return message;
    }

    /** A bare Outlook .msg file (not MIME) as a message; its part id is "1". */
    MessageModel walkOutlook(InputStream in) {
        MessageModel message = outlook(in, "1", 0);
        return message == null ? new MessageModel() : message;
    }

    /** An Outlook .msg as an attached message, or null (with an error) when it cannot be read. */
    private MessageModel outlook(InputStream in, String partId, int depth) {
        OutlookMessage.Summary summary;
        try {
            summary = OutlookMessage.read(in, options.maxDepth() - depth + 1);
        } catch (IOException e) {
            problems.error("msg.unreadable", "Outlook .msg could not be read: " + e.getMessage(), partId);
            return null;
        }
        try {
            return outlookModel(summary, partId, depth);
        } catch (IOException e) {
            problems.error("msg.unreadable", "Outlook .msg could not be read: " + e.getMessage(), partId);
            return null;
        }
    }

    /**
     * The message fields of a .msg: from the header block it arrived with when it has one (read like a
     * mail's header), else, and for what that lacks, from the MAPI properties. Its files are attachments
     * {@code <part>.m1}, {@code .m2} ...; attached Outlook items are messages in turn.
     */
    private MessageModel outlookModel(OutlookMessage.Summary summary, String partId, int depth) throws IOException {
        MessageModel message = new MessageModel();
        if (summary.transportHeaders() != null) {
            // the header block alone, through the same header reading as a mail (its own problems are not the mail's)
            byte[] header = (summary.transportHeaders().strip() + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
            message = new MimeWalker(options, new Problems()).walk(new ByteArrayInputStream(header), partId, depth);
            message.bodyParts.clear();
            message.attachments.clear();
            message.partial = null;
        }
        if (message.subject == null && summary.subject() != null && !summary.subject().isBlank()) {
            message.subject = summary.subject().strip();
        }
        if (message.messageId == null && summary.messageId() != null) {
            List<String> ids = HeaderValues.messageIds(summary.messageId());
            message.messageId = ids.isEmpty() ? null : ids.get(0);
        }
        if (message.date == null) {
            message.date = summary.date();
        }
        if (message.addresses("from").isEmpty() && (summary.fromName() != null || summary.fromAddress() != null)) {
            message.addresses.put("from", List.of(new EmailAddress(summary.fromName(), summary.fromAddress(), null)));
        }
        for (String kind : List.of("to", "cc", "bcc")) {
            if (message.addresses(kind).isEmpty()) {
                List<EmailAddress> list = summary.recipients().stream().filter(r -> r.kind().equals(kind))
                    .map(r -> new EmailAddress(r.name(), r.address(), null)).toList();
                if (!list.isEmpty()) {
                    message.addresses.put(kind, list);
                }
            }
        }
        addOutlookBody(message, partId, "text/plain", summary.text());
        addOutlookBody(message, partId, "text/html", summary.html());
        for (String problem : summary.problems()) {
            problems.error("msg.unreadable", "part of the Outlook .msg could not be read: " + problem, partId);
        }
        int index = 0;
        for (OutlookMessage.File file : summary.files()) {
            AttachmentModel attachment = derivedAttachment(partId, partId + ".m" + (++index), AttachmentModel.SOURCE_MSG,
                file.name(), file.bytes());
            if (file.contentType() != null) {
                attachment.contentType = file.contentType().toLowerCase(Locale.ROOT);
            }
            attachment.contentId = file.contentId();
            if (file.message() != null) {
                attachment.message = outlookModel(file.message(), attachment.partId, depth + 1);
            }
            message.attachments.add(attachment);
        }
        return message;
    }

    private void addOutlookBody(MessageModel message, String partId, String contentType, String body) {
        if (body == null || body.isBlank()) {
            return;
        }
        String text = body.replace("\r\n", "\n");
        boolean truncated = text.length() > remainingText();
        if (truncated) {
            text = text.substring(0, remainingText());
            problems.warning("limit.text_bytes", "decoded text beyond " + options.maxTextBytes() + " bytes is not kept",
                partId);
        }
        textBytes += text.length();
        message.bodyParts.add(new MessageModel.BodyPart(partId, contentType, null, text, truncated));
    }

    /**
     * A message/partial fragment (RFC 2046 5.2.2). One fragment alone cannot be reassembled, so it is
     * reported; fragment 1 of 1 is the whole message and is parsed like message/rfc822.
     */
    private MessageModel.Partial partial(MimeParameters type, String partId) {
        MessageModel.Partial partial = new MessageModel.Partial(type.get("id"), wholeNumber(type.get("number")),
            wholeNumber(type.get("total")));
        if (!partial.whole()) {
            problems.warning("message.partial", "message/partial fragment " + partial.number() + " of "
                + (partial.total() == null ? "?" : partial.total()) + " (id " + partial.id()
                + "): the other fragments are not here, so the message is not reassembled", partId);
        }
        return partial;
    }

    private static Integer wholeNumber(String value) {
        try {
            int number = value == null ? -1 : Integer.parseInt(value.strip());
            return number < 0 ? null : number;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean isWideCharset(String charset) {
        return charset != null && WIDE_CHARSET.matcher(charset.strip().toUpperCase(Locale.ROOT)).matches();
    }

    /** How much of a text part's start is judged on its own (binary data often opens with its densest bytes). */
    private static final int BINARY_HEAD_BYTES = 8192;

    /**
     * Whether more than a tenth of the first {@link #BINARY_HEAD_BYTES} bytes, or of all of them, are
     * control bytes other than tab, line ends and form feed (text has almost none; binary data has many).
     */
    private static boolean looksBinary(byte[] bytes) {
        int head = Math.min(bytes.length, BINARY_HEAD_BYTES);
        int control = controlBytes(bytes, 0, head);
        if (head == BINARY_HEAD_BYTES && control * 10 > head) {
            return true;
        }
        control += controlBytes(bytes, head, bytes.length);
        return bytes.length > 0 && control * 10 > bytes.length;
    }

    /** 1 for the control bytes {@link #looksBinary} counts, by unsigned byte value (a branch-free count). */
    private static final int[] CONTROL_BYTE = new int[256];

    static {
        for (int b = 0; b < 0x20; b++) {
            CONTROL_BYTE[b] = b == '\t' || b == '\n' || b == '\f' || b == '\r' ? 0 : 1;
        }
    }

    private static int controlBytes(byte[] bytes, int from, int to) {
        int control = 0;
        for (int i = from; i < to; i++) {
            control += CONTROL_BYTE[bytes[i] & 0xFF];
        }
        return control;
    }

    /** As declared; undeclared, unnamed text reads inline and everything else as an attachment. */
    private static String disposition(String declared, String contentType, String filename) {
        if (declared != null) {
            return declared.equals("inline") ? "inline" : "attachment";
        }
        return filename == null && contentType.startsWith("text/") ? "inline" : "attachment";
    }

    /** A multipart without any part (no delimiter found) still shows its text rather than losing it. */
    private void keepPreambleOfEmptyMultipart(Entity entity, MessageModel message) {
        if (entity.children > 0 || entity.preamble == null || entity.preamble.length == 0) {
            return;
        }
        String text = Charsets.decodeUnlabelled(entity.preamble, entity.preamble.length).replace("\r\n", "\n");
        textBytes += entity.preamble.length;
        problems.error("mime.no_parts", "multipart has no body part; its text is kept as a text/plain body", entity.bodyId());
        message.bodyParts.add(new MessageModel.BodyPart(entity.bodyId(), "text/plain", null, text, false));
    }

    /** A body part's text: {@code bytes} as read within the text budget, {@code rest} what the budget left unread. */
    private void readBody(byte[] bytes, InputStream rest, String partId, String contentType, MimeParameters type,
        MessageModel message) throws IOException {
        String charset = type.get("charset");
        // body text has no hash in the document: it is read without one
        boolean truncated = rest.read() >= 0;
        if (truncated) {
            rest.transferTo(OutputStream.nullOutputStream());
            problems.warning("limit.text_bytes", "decoded text beyond " + options.maxTextBytes()
                + " bytes is not kept", partId);
        }
        textBytes += bytes.length;
        // one line-end convention for consumers: \n (the raw MIME keeps the original bytes)
        Charsets.Decoded decodedText = Charsets.decodeBody(bytes, bytes.length, charset, contentType.equals("text/html"));
        if (decodedText.overriddenBy() != null) {
            problems.warning("charset.mismatch", "declared charset '" + charset + "' but the text is valid "
                + decodedText.overriddenBy() + "; read as " + decodedText.overriddenBy(), partId);
        }
        if (decodedText.undecodable()) {
            problems.warning("charset.undecodable", "text has bytes that are not valid in charset '"
                + (charset != null ? charset : "UTF-8") + "'; they became U+FFFD", partId);
        }
        String text = decodedText.text().replace("\r\n", "\n");
        if (contentType.equals("text/plain")) {
            Uuencode.Extracted extracted = Uuencode.extract(text);
            int index = 0;
            for (Uuencode.File file : extracted.files()) {
                message.attachments.add(derivedAttachment(partId, partId + ".u" + (++index), AttachmentModel.SOURCE_UUENCODE,
                    file.name(), file.bytes()));
                if (!file.complete()) {
                    problems.error("uuencode.truncated", "uuencoded file '" + file.name() + "' has no end line", partId);
                }
            }
            text = extracted.text();
            if ("flowed".equalsIgnoreCase(type.get("format"))) {
                text = FlowedText.unflow(text, "yes".equalsIgnoreCase(type.get("delsp")));
            }
        }
        message.bodyParts.add(new MessageModel.BodyPart(partId, contentType, charset, text, truncated));
    }

    /** A part sent with Content-Transfer-Encoding x-uuencode: the whole body is one uuencoded file. */
    private void readUuencodedPart(InputStream raw, AttachmentModel attachment) throws IOException {
        MeasuredStream undecoded = new MeasuredStream(raw, 0);
        byte[] bytes = readUpTo(undecoded, options.maxTextBytes());
        if (undecoded.read() >= 0) {
            // decoding works on the text of the whole part, so it is bounded like text
            undecoded.drain();
            problems.warning("limit.text_bytes", "x-uuencode part larger than " + options.maxTextBytes()
                + " bytes is not decoded; size and sha256 are of the encoded part", attachment.partId);
            attachment.size = undecoded.size();
            attachment.sha256 = undecoded.sha256Hex();
            return;
        }
        Uuencode.Extracted extracted = Uuencode.extract(new String(bytes, StandardCharsets.ISO_8859_1));
        if (extracted.files().isEmpty()) {
            problems.error("uuencode.invalid", "x-uuencode part has no begin line", attachment.partId);
            attachment.size = bytes.length;
            attachment.sha256 = undecoded.sha256Hex();
            attachment.content = bytes.length <= options.attachmentInlineBytes() ? bytes : null;
            return;
        }
        Uuencode.File file = extracted.files().get(0);
        copyIfTarget(attachment.partId, file.bytes());
        if (attachment.filename == null) {
            attachment.filename = file.name();
        }
        measureHeld(attachment, file.bytes());
        if (!file.complete()) {
            problems.error("uuencode.truncated", "uuencoded file '" + file.name() + "' has no end line", attachment.partId);
        }
    }

    private AttachmentModel derivedAttachment(String parentPartId, String partId, String source, String name, byte[] bytes)
        throws IOException {
        AttachmentModel attachment = new AttachmentModel();
        attachment.partId = partId;
        attachment.parentPartId = parentPartId;
        attachment.source = source;
        attachment.filename = cleanFilename(name);
        attachment.contentType = "application/octet-stream";
        attachment.disposition = "attachment";
        copyIfTarget(partId, bytes);
        measureHeld(attachment, bytes);
        return attachment;
    }

    /** Size, hash and (within the inline limit) content of an attachment whose bytes are already in memory. */
    private void measureHeld(AttachmentModel attachment, byte[] bytes) {
        attachment.size = bytes.length;
        attachment.sha256 = HexFormat.of().formatHex(MeasuredStream.newSha256().digest(bytes));
        attachment.content = bytes.length <= options.attachmentInlineBytes() ? bytes : null;
    }

    private void copyIfTarget(String partId, byte[] bytes) throws IOException {
        if (target != null && target.partId().equals(partId)) {
            target.out().write(bytes);
        }
    }

    /** Passes the decoded bytes of the target part on to its output as they are read. */
    private static final class CopyingStream extends ObservedInputStream {
        private final OutputStream out;
        private IOException failure;

        CopyingStream(InputStream in, OutputStream out) {
            super(in);
            this.out = out;
        }

        @Override
        void observe(byte[] buffer, int offset, int length) {
            try {
                out.write(buffer, offset, length);
            } catch (IOException e) {
                failure = e;
            }
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (failure != null) {
                throw failure;
            }
            return n;
        }
    }

    private int remainingText() {
        return (int) Math.max(0, options.maxTextBytes() - textBytes);
    }

    private static byte[] readUpTo(InputStream in, int limit) throws IOException {
        return in.readNBytes(limit);
    }

    private static String value(Field field) {
        return field == null ? null : HeaderValues.unfold(HeaderValues.rawValue(field));
    }

    /** Filenames as sent, minus control characters and surrounding blanks; paths are kept for the receiver to judge. */
    private static String cleanFilename(String name) {
        if (name == null) {
            return null;
        }
        String cleaned = CONTROL.matcher(name).replaceAll("").strip();
        return cleaned.isEmpty() ? null : cleaned;
    }
}
