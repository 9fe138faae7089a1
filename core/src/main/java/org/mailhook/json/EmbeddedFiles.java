package org.mailhook.json;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Files carried inside a MIME leaf in formats older than MIME or of one vendor, and the decision when a
 * leaf holds one: an Outlook {@code .msg} (its message, files {@code <part>.m1} ...), TNEF / winmail.dat
 * (files {@code <part>.t1} ...) and uuencoded blocks (files {@code <part>.u1} ... in body text, or the
 * whole body of an x-uuencode part). {@link OutlookMessage}, {@link TnefUnpacker} and {@link Uuencode}
 * read the formats; this class turns what they find into attachments and problems.
 */
final class EmbeddedFiles {
    private final WalkState state;

    EmbeddedFiles(WalkState state) {
        this.state = state;
    }

    /**
     * When the leaf is an Outlook item or TNEF by its type or name: reads it from {@code in} (the leaf's
     * decoded bytes, which the caller measures), setting the attachment's message or adding the files to
     * {@code derived}, and returns true. False, with nothing read, for any other leaf.
     *
     * @param depth how deep an attached Outlook item would be nested
     */
    boolean readContainer(InputStream in, AttachmentModel attachment, int depth, List<AttachmentModel> derived)
        throws IOException {
        String partId = attachment.partId;
        if (OutlookMessage.isOutlookType(attachment.contentType, attachment.filename)) {
            BufferedInputStream peekable = new BufferedInputStream(in, OutlookMessage.SIGNATURE_LENGTH);
            peekable.mark(OutlookMessage.SIGNATURE_LENGTH);
            byte[] head = peekable.readNBytes(OutlookMessage.SIGNATURE_LENGTH);
            peekable.reset();
            if (OutlookMessage.hasSignature(head) && state.mayNest(depth, partId)) {
                attachment.message = outlook(peekable, partId, depth);
            }
            return true;
        }
        if (TnefUnpacker.isTnef(attachment.contentType, attachment.filename)) {
            derived.addAll(tnefFiles(in, partId));
            return true;
        }
        return false;
    }

    /** The files of a TNEF part as attachments {@code <part>.t1}, {@code .t2} ...; what cannot be read is an error. */
    private List<AttachmentModel> tnefFiles(InputStream tnef, String partId) throws IOException {
        List<AttachmentModel> files = new ArrayList<>();
        try {
            int index = 0;
            for (TnefUnpacker.File file : TnefUnpacker.unpack(tnef)) {
                index++;
                if (file.bytes() == null) {
                    state.problems.error("tnef.unreadable", "TNEF attachment " + index + " ('" + file.name()
                        + "') could not be read: " + file.failure(), partId);
                } else {
                    files.add(derivedAttachment(partId, partId + ".t" + index, AttachmentModel.SOURCE_TNEF,
                        file.name(), file.bytes()));
                }
            }
        } catch (IOException e) {
            state.problems.error("tnef.unreadable", "TNEF part could not be unpacked: " + e.getMessage(), partId);
        }
        return files;
    }

    /** A bare TNEF file (winmail.dat, not MIME): a message of its files, {@code 1.t1}, {@code 1.t2} ... */
    MessageModel bareTnef(InputStream in) {
        MessageModel message = new MessageModel();
        try {
            message.attachments.addAll(tnefFiles(in, "1"));
        } catch (IOException e) {
            state.problems.error("tnef.unreadable", "TNEF file could not be unpacked: " + e.getMessage(), "1");
        }
        return message;
    }

    /** A bare Outlook .msg file (not MIME) as a message; its part id is "1". */
    MessageModel bareOutlook(InputStream in) {
        MessageModel message = outlook(in, "1", 0);
        return message == null ? new MessageModel() : message;
    }

    /** An Outlook .msg as an attached message, or null (with an error) when it cannot be read. */
    private MessageModel outlook(InputStream in, String partId, int depth) {
        OutlookMessage.Summary summary;
        try {
            summary = OutlookMessage.read(in, state.options.maxDepth() - depth + 1);
        } catch (IOException e) {
            state.problems.error("msg.unreadable", "Outlook .msg could not be read: " + e.getMessage(), partId);
            return null;
        }
        try {
            return outlookModel(summary, partId, depth);
        } catch (IOException e) {
            state.problems.error("msg.unreadable", "Outlook .msg could not be read: " + e.getMessage(), partId);
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
            message = new MimeWalker(state.options, new Problems()).walk(new ByteArrayInputStream(header), partId, depth);
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
            state.problems.error("msg.unreadable", "part of the Outlook .msg could not be read: " + problem, partId);
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
        boolean truncated = text.length() > state.remainingText();
        if (truncated) {
            text = text.substring(0, state.remainingText());
            state.problems.warning("limit.text_bytes", "decoded text beyond " + state.options.maxTextBytes()
                + " bytes is not kept", partId);
        }
        state.textKept(text.length());
        // a .msg's plain and HTML bodies are renderings of one text
        message.bodyParts.add(new MessageModel.BodyPart(partId, contentType, null, text, truncated, partId));
    }

    /**
     * The text of a text/plain part with its uuencoded blocks taken out; each block becomes an attachment
     * {@code <part>.u1}, {@code .u2} ... added to {@code attachments}.
     */
    String takeUuencodedFiles(String text, String partId, List<AttachmentModel> attachments) throws IOException {
        Uuencode.Extracted extracted = Uuencode.extract(text);
        int index = 0;
        for (Uuencode.File file : extracted.files()) {
            attachments.add(derivedAttachment(partId, partId + ".u" + (++index), AttachmentModel.SOURCE_UUENCODE,
                file.name(), file.bytes()));
            if (!file.complete()) {
                state.problems.error("uuencode.truncated", "uuencoded file '" + file.name() + "' has no end line", partId);
            }
        }
        return extracted.text();
    }

    /** A part sent with Content-Transfer-Encoding x-uuencode: the whole body is one uuencoded file. */
    void readUuencodedPart(InputStream raw, AttachmentModel attachment) throws IOException {
        MeasuredStream undecoded = new MeasuredStream(raw, 0);
        byte[] bytes = undecoded.readNBytes(state.options.maxTextBytes());
        if (undecoded.read() >= 0) {
            // decoding works on the text of the whole part, so it is bounded like text
            undecoded.drain();
            state.problems.warning("limit.text_bytes", "x-uuencode part larger than " + state.options.maxTextBytes()
                + " bytes is not decoded; size and sha256 are of the encoded part", attachment.partId);
            attachment.size = undecoded.size();
            attachment.sha256 = undecoded.sha256Hex();
            return;
        }
        Uuencode.Extracted extracted = Uuencode.extract(new String(bytes, StandardCharsets.ISO_8859_1));
        if (extracted.files().isEmpty()) {
            state.problems.error("uuencode.invalid", "x-uuencode part has no begin line", attachment.partId);
            attachment.size = bytes.length;
            attachment.sha256 = undecoded.sha256Hex();
            attachment.content = bytes.length <= state.options.attachmentInlineBytes() ? bytes : null;
            return;
        }
        Uuencode.File file = extracted.files().get(0);
        state.copyIfTarget(attachment.partId, file.bytes());
        if (attachment.filename == null) {
            attachment.filename = file.name();
        }
        measureHeld(attachment, file.bytes());
        if (!file.complete()) {
            state.problems.error("uuencode.truncated", "uuencoded file '" + file.name() + "' has no end line", attachment.partId);
        }
    }

    private AttachmentModel derivedAttachment(String parentPartId, String partId, String source, String name, byte[] bytes)
        throws IOException {
        AttachmentModel attachment = new AttachmentModel();
        attachment.partId = partId;
        attachment.parentPartId = parentPartId;
        attachment.source = source;
        attachment.filename = LeafReader.cleanFilename(name);
        attachment.contentType = "application/octet-stream";
        attachment.disposition = "attachment";
        state.copyIfTarget(partId, bytes);
        measureHeld(attachment, bytes);
        return attachment;
    }

    /** Size, hash and (within the inline limit) content of an attachment whose bytes are already in memory. */
    private void measureHeld(AttachmentModel attachment, byte[] bytes) {
        attachment.size = bytes.length;
        attachment.sha256 = HexFormat.of().formatHex(MeasuredStream.newSha256().digest(bytes));
        attachment.content = bytes.length <= state.options.attachmentInlineBytes() ? bytes : null;
    }
}
