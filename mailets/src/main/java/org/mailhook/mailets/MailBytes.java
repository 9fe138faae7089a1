package org.mailhook.mailets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.UUID;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import javax.mail.util.SharedByteArrayInputStream;

import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStream;
import org.apache.james.server.core.MimeMessageSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Mail;
import org.mailhook.codec.SizedRead;

/**
 * A mail's message as bytes, read and replaced without JavaMail ever parsing its MIME structure. James
 * streams an unmodified message straight from what SMTP received; a message changed in place through
 * JavaMail is re-serialized with {@code saveChanges()}, which parses every multipart and throws on
 * malformed mail (a missing boundary, a bad parameter list). So Mailhook's mailets never change a
 * message in place: they compute new bytes and hand them over with {@link #replace}.
 */
public final class MailBytes {
    private static final byte[] CRLF = {'\r', '\n'};

    private MailBytes() {
    }

    /**
     * The message exactly as it stands: as received unless a mailet replaced it. A message whose header
     * another mailet changed in place (James' {@code RemoveMimeHeader}, say) and that JavaMail cannot
     * re-serialize is read as its header lines and its raw body, which needs no MIME parse either.
     */
    public static byte[] read(Mail mail) throws MessagingException {
        MimeMessage message = mail.getMessage();
        if (message instanceof BytesMessage held && !held.isModified()) {
            return held.bytes;
        }
        try (InputStream in = verbatim(message)) {
            return SizedRead.readAll(in, storedSize(message));
        } catch (IOException | MessagingException | RuntimeException e) {
            return headerLinesAndRawBody(message, mail.getName(), e);
        }
    }

    /** The size of an unchanged message's stored source (what {@link #verbatim} reads), or -1 when unknown. */
    private static long storedSize(MimeMessage message) {
        if (message instanceof MimeMessageWrapper wrapper && !wrapper.isModified()) {
            MimeMessageSource source = sourceOf(wrapper);
            if (source != null) {
                try {
                    return source.getMessageSize();
                } catch (IOException | RuntimeException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /**
     * The message's bytes as a stream, exactly as stored while no header or body was changed in place.
     * James' own serialization ({@code MimeMessageWrapper.writeTo}, {@code MimeMessageInputStream})
     * re-writes every header line through US-ASCII even for an unchanged message, turning each 8-bit
     * header byte (RFC 6532 UTF-8 headers, legacy raw 8-bit) into '?': DKIM then fails and the JSON
     * shows '?'. An unchanged wrapper is read from its source instead.
     */
    public static InputStream verbatim(MimeMessage message) throws MessagingException {
        if (message instanceof MimeMessageWrapper wrapper && !wrapper.isModified()) {
            MimeMessageSource source = sourceOf(wrapper);
            if (source != null) {
                try {
                    return source.getInputStream();
                } catch (IOException e) {
                    throw new MessagingException("cannot read the stored message " + source.getSourceId(), e);
                }
            }
        }
        return new MimeMessageInputStream(message);
    }

    private static final java.lang.reflect.Field SOURCE = sourceField();

    private static java.lang.reflect.Field sourceField() {
        try {
            java.lang.reflect.Field field = MimeMessageWrapper.class.getDeclaredField("source");
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static MimeMessageSource sourceOf(MimeMessageWrapper wrapper) {
        try {
            return SOURCE == null ? null : (MimeMessageSource) SOURCE.get(wrapper);
        } catch (IllegalAccessException e) {
            return null;
        }
    }

    private static byte[] headerLinesAndRawBody(MimeMessage message, String name, Exception cause) throws MessagingException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String line : Collections.list(message.getAllHeaderLines())) {
            // JavaMail reads header bytes as ISO-8859-1 (one char per byte): written back the same way, nothing is lost.
            out.writeBytes(line.getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(CRLF);
        }
        out.writeBytes(CRLF);
        try (InputStream body = message.getRawInputStream()) {
            body.transferTo(out);
        } catch (IOException | RuntimeException e) {
            e.addSuppressed(cause);
            throw new MessagingException("cannot read the message of " + name, e);
        }
        return out.toByteArray();
    }

    /**
     * Makes {@code bytes} the mail's message; James stores and queues them as they are. The array is
     * shared, not copied: callers hand over bytes they no longer change.
     */
    public static void replace(Mail mail, byte[] bytes) throws MessagingException {
        BytesMessage message = new BytesMessage(bytes);
        if (mail instanceof MailImpl impl) {
            // MailImpl.setMessage would copy the message into a new wrapper (a temporary file for large mail).
            impl.setMessageNoCopy(message);
        } else {
            mail.setMessage(message);
        }
    }

    /**
     * A copy of the mail (new name, same envelope, attributes and per-recipient headers) whose message
     * shares the original's bytes. James' {@code Mail.duplicate()} copies the message through JavaMail,
     * which writes it out again and, for a message whose header was changed in place, re-encodes a
     * body that may not decode (bad base64): stores then fail on exactly the malformed mail we must keep.
     */
    public static Mail copy(Mail mail) throws MessagingException {
        MailImpl copy = MailImpl.duplicateWithoutMessage(mail).build();
        if (mail.getMessage() != null) {
            copy.setMessageNoCopy(new BytesMessage(read(mail)));
        }
        return copy;
    }

    /**
     * A message backed by bytes in memory, which {@link #read} hands back without copying while unchanged
     * and which is written out as exactly those bytes. James' file repository stores a message with a
     * "preloaded" write that re-encodes the body through JavaMail: it changes the raw MIME we promise to
     * keep (a Message-ID added, base64 re-wrapped) and throws on a body that does not decode.
     */
    private static final class BytesMessage extends MimeMessageWrapper {
        private final byte[] bytes;

        BytesMessage(byte[] bytes) {
            super(new BytesSource(bytes));
            this.bytes = bytes;
        }

        @Override
        public void writeTo(OutputStream headerOs, OutputStream bodyOs, String[] ignoreList, boolean preLoad)
            throws IOException, MessagingException {
            if (isModified() || (ignoreList != null && ignoreList.length > 0)) {
                super.writeTo(headerOs, bodyOs, ignoreList, preLoad);
                return;
            }
            int bodyStart = bodyStart(bytes);
            headerOs.write(bytes, 0, bodyStart);
            bodyOs.write(bytes, bodyStart, bytes.length - bodyStart);
        }
    }

    /** Where the body starts: after the first empty line, or at the end for a message without one. */
    static int bodyStart(byte[] message) {
        for (int i = 0; i < message.length; i++) {
            if (message[i] != '\n') {
                continue;
            }
            if (i + 1 < message.length && message[i + 1] == '\n') {
                return i + 2;
            }
            if (i + 2 < message.length && message[i + 1] == '\r' && message[i + 2] == '\n') {
                return i + 3;
            }
        }
        return message.length;
    }

    private record BytesSource(String sourceId, byte[] bytes) implements MimeMessageSource {
        BytesSource(byte[] bytes) {
            this("mailhook-" + UUID.randomUUID(), bytes);
        }

        @Override
        public String getSourceId() {
            return sourceId;
        }

        /**
         * A shared stream: James' file repository parses the message before storing it
         * ({@code loadMessage}), and JavaMail then keeps the body as a view of these bytes instead of a copy.
         */
        @Override
        public InputStream getInputStream() {
            return new SharedByteArrayInputStream(bytes);
        }

        @Override
        public long getMessageSize() {
            return bytes.length;
        }
    }
}
