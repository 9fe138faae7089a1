package org.mailhook.json;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.mailhook.codec.TransferDecoding;
import org.mailhook.reports.ReportLimits;
import org.mailhook.reports.ReportReader;
import org.mailhook.reports.ReportResult;

/**
 * Reads one leaf part's body, once, as a stream: inline text becomes a body part, everything else an
 * attachment (hashed while decoded, kept only up to the limits), with the message it holds when it is an
 * attached message and the files it holds when it is a container ({@link EmbeddedFiles}).
 */
final class LeafReader {
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");
    private static final Pattern WIDE_CHARSET = Pattern.compile("\"?(UTF-?(16|32)|UCS-?[24]).*");

    /** Reads DMARC and TLS reports; thread-safe, shared by every walk. */
    private static final ReportReader REPORTS = new ReportReader(ReportLimits.defaults());

    private final WalkState state;
    /** Walks the messages attached to a leaf, on its decoded stream. */
    private final MimeWalker walker;
    private final EmbeddedFiles embedded;

    LeafReader(WalkState state, MimeWalker walker, EmbeddedFiles embedded) {
        this.state = state;
        this.walker = walker;
        this.embedded = embedded;
    }

    /** Reads the body of the leaf {@code entity} at the token stream's T_BODY into {@code message}. */
    void read(MimeTokenStream tokens, MimeWalker.Entity entity, MessageModel message) throws IOException {
        Problems problems = state.problems;
        ParseOptions options = state.options;
        String partId = entity.bodyId();
        state.partId = partId;
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
        // the scanner (org.mailhook.attachments) decodes parts the same way, so the hashes name its bytes
        InputStream decoded = TransferDecoding.decoded(tokens.getInputStream(), transferEncoding, state.monitor);
        boolean textual = contentType.equals("text/plain") || contentType.equals("text/html");
        boolean body = textual && !uuencoded && !"attachment".equals(dispositionType)
            && (filename == null || "inline".equals(dispositionType));
        if (body) {
            // body text is held anyway (up to the text budget): judge all of it, not only its start
            byte[] bytes = decoded.readNBytes(state.remainingText());
            if (isWideCharset(charset) || !looksBinary(bytes)) {
                readBody(bytes, decoded, entity, contentType, type, message);
                return;
            }
            // binary data labelled as text (a headerless file, a broken gateway): keep it out of "text"
            problems.warning("text.binary", "text part is mostly control bytes; it is an attachment, not body text",
                partId);
            decoded = new SequenceInputStream(new ByteArrayInputStream(bytes), decoded);
        }
        ReportReader.Candidate report = entity.ofMail && message.report == null && !uuencoded
            ? ReportReader.candidate(contentType, filename) : null;
        if (report != null) {
            decoded = readReport(decoded, report, partId, filename, message);
        }
        if (state.isTarget(partId) && !uuencoded) {
            decoded = new CopyingStream(decoded, state.target.out());
        }

        AttachmentModel attachment = new AttachmentModel();
        attachment.partId = partId;
        attachment.filename = filename;
        attachment.contentType = contentType;
        attachment.charset = contentType.startsWith("text/") ? charset : null;
        attachment.disposition = disposition(dispositionType, contentType, filename);
        Field contentId = entity.field("content-id");
        if (contentId != null) {
            List<String> ids = HeaderValues.messageIds(value(contentId));
            attachment.contentId = ids.isEmpty() ? null : ids.get(0);
        }
        Field description = entity.field("content-description");
        if (description != null) {
            attachment.description = walker.decodeWords(description.getName(), value(description), partId);
        }
        message.attachments.add(attachment);

        if (uuencoded) {
            embedded.readUuencodedPart(decoded, attachment);
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
            if (state.mayNest(entity.depth + 1, partId)) {
                attachment.message = walker.walk(measured, partId, entity.depth + 1);
                state.partId = partId;
            }
        } else if (!embedded.readContainer(measured, attachment, entity.depth + 1, derived)
            && (contentType.equals("text/calendar") || contentType.equals("application/ics"))) {
            byte[] bytes = measured.readNBytes(Math.min(state.remainingText(), 1024 * 1024));
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

    /**
     * Reads a report candidate's decoded bytes (held, up to {@link ReportLimits#maxPartBytes()}) into the mail's
     * report; a report that cannot be read is a {@code report.invalid} warning and the part stays an ordinary
     * attachment. Returns the part's bytes again for the attachment.
     */
    private InputStream readReport(InputStream decoded, ReportReader.Candidate candidate, String partId, String filename,
                                   MessageModel message) throws IOException {
        int limit = REPORTS.limits().maxPartBytes();
        byte[] bytes = decoded.readNBytes(limit + 1);
        if (bytes.length > limit) {
            if (candidate.named()) {
                state.problems.warning("report.invalid", "report part larger than " + limit + " bytes is not read", partId);
            }
            return new SequenceInputStream(new ByteArrayInputStream(bytes), decoded);
        }
        ReportResult result = REPORTS.read(bytes, candidate);
        if (result.report() != null) {
            message.report = new MessageModel.FoundReport(partId, filename, result.report());
        } else if (result.error() != null) {
            state.problems.warning("report.invalid", "report not read: " + result.error(), partId);
        }
        return new ByteArrayInputStream(bytes);
    }

    /** A body part's text: {@code bytes} as read within the text budget, {@code rest} what the budget left unread. */
    private void readBody(byte[] bytes, InputStream rest, MimeWalker.Entity entity, String contentType, MimeParameters type,
        MessageModel message) throws IOException {
        String partId = entity.bodyId();
        String charset = type.get("charset");
        // body text has no hash in the document: it is read without one
        boolean truncated = rest.read() >= 0;
        if (truncated) {
            rest.transferTo(OutputStream.nullOutputStream());
            state.problems.warning("limit.text_bytes", "decoded text beyond " + state.options.maxTextBytes()
                + " bytes is not kept", partId);
        }
        state.textKept(bytes.length);
        // one line-end convention for consumers: \n (the raw MIME keeps the original bytes)
        Charsets.Decoded decodedText = Charsets.decodeBody(bytes, bytes.length, charset, contentType.equals("text/html"));
        if (decodedText.overriddenBy() != null) {
            state.problems.warning("charset.mismatch", "declared charset '" + charset + "' but the text is valid "
                + decodedText.overriddenBy() + "; read as " + decodedText.overriddenBy(), partId);
        }
        if (decodedText.undecodable()) {
            state.problems.warning("charset.undecodable", "text has bytes that are not valid in charset '"
                + (charset != null ? charset : "UTF-8") + "'; they became U+FFFD", partId);
        }
        String text = decodedText.text().replace("\r\n", "\n");
        if (contentType.equals("text/plain")) {
            text = embedded.takeUuencodedFiles(text, partId, message.attachments);
            if ("flowed".equalsIgnoreCase(type.get("format"))) {
                text = FlowedText.unflow(text, "yes".equalsIgnoreCase(type.get("delsp")));
            }
        }
        message.bodyParts.add(new MessageModel.BodyPart(partId, contentType, charset, text, truncated,
            entity.alternative != null ? entity.alternative : partId));
    }

    /**
     * A message/partial fragment (RFC 2046 5.2.2). One fragment alone cannot be reassembled, so it is
     * reported; fragment 1 of 1 is the whole message and is parsed like message/rfc822.
     */
    private MessageModel.Partial partial(MimeParameters type, String partId) {
        MessageModel.Partial partial = new MessageModel.Partial(type.get("id"), wholeNumber(type.get("number")),
            wholeNumber(type.get("total")));
        if (!partial.whole()) {
            state.problems.warning("message.partial", "message/partial fragment " + partial.number() + " of "
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

    private static String value(Field field) {
        return field == null ? null : HeaderValues.unfold(HeaderValues.rawValue(field));
    }

    /** Filenames as sent, minus control characters and surrounding blanks; paths are kept for the receiver to judge. */
    static String cleanFilename(String name) {
        if (name == null) {
            return null;
        }
        String cleaned = CONTROL.matcher(name).replaceAll("").strip();
        return cleaned.isEmpty() ? null : cleaned;
    }
}
