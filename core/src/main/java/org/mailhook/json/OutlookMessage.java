package org.mailhook.json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.commons.io.input.CloseShieldInputStream;
import org.apache.poi.hsmf.MAPIMessage;
import org.apache.poi.hsmf.datatypes.AttachmentChunks;
import org.apache.poi.hsmf.datatypes.Chunk;
import org.apache.poi.hsmf.datatypes.MAPIProperty;
import org.apache.poi.hsmf.datatypes.PropertyValue;
import org.apache.poi.hsmf.datatypes.RecipientChunks;
import org.apache.poi.hsmf.datatypes.StringChunk;
import org.apache.poi.poifs.filesystem.DirectoryEntry;
import org.apache.poi.poifs.filesystem.DirectoryNode;
import org.apache.poi.poifs.filesystem.DocumentInputStream;
import org.apache.poi.poifs.filesystem.EntryUtils;
import org.apache.poi.poifs.filesystem.POIFSFileSystem;

/** An Outlook {@code .msg} file (CFB/OLE2, MS-OXMSG) read with POI HSMF into what a message summary needs. */
final class OutlookMessage {
    /** The Compound File Binary signature every .msg starts with. */
    private static final byte[] CFB_SIGNATURE = {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0, (byte) 0xA1, (byte) 0xB1,
        0x1A, (byte) 0xE1};
    static final int SIGNATURE_LENGTH = CFB_SIGNATURE.length;
    /** PR_SENDER_SMTP_ADDRESS and PR_SENT_REPRESENTING_SMTP_ADDRESS, which POI has no names for. */
    private static final int[] SENDER_SMTP_PROPERTIES = {0x5D01, 0x5D02};
    private static final String PROPERTIES_STREAM = "__properties_version1.0";
    private static final String NAMED_PROPERTIES = "__nameid_version1.0";

    /** @param kind {@code to}, {@code cc} or {@code bcc} */
    record Recipient(String kind, String name, String address) {
    }

    /** An attached file; for an attached Outlook item, {@code message} is its summary and {@code bytes} a .msg of it. */
    record File(String name, String contentType, String contentId, byte[] bytes, Summary message) {
    }

    /**
     * @param transportHeaders the RFC 5322 header block the message arrived with, or null (a draft, or an
     *        item saved from an Exchange store)
     */
    record Summary(String transportHeaders, String subject, String fromName, String fromAddress,
                   List<Recipient> recipients, Instant date, String messageId, String text, String html,
                   List<File> files, List<String> problems) {
    }

    private OutlookMessage() {
    }

    static boolean isOutlookType(String contentType, String filename) {
        return contentType.equals("application/vnd.ms-outlook") || contentType.equals("application/x-msg")
            || (filename != null && filename.toLowerCase(Locale.ROOT).endsWith(".msg"));
    }

    static boolean hasSignature(byte[] head) {
        return head.length >= SIGNATURE_LENGTH && Arrays.equals(head, 0, SIGNATURE_LENGTH, CFB_SIGNATURE, 0, SIGNATURE_LENGTH);
    }

    /**
     * Reads the whole file (POI holds it in memory).
     *
     * @param maxDepth how many levels of attached Outlook items are read
     * @throws IOException when the data is not a readable .msg; POI's runtime exceptions are turned into IOException
     */
    static Summary read(InputStream in, int maxDepth) throws IOException {
        // POI closes the stream it reads; the mail's stream is not its to close
        try (MAPIMessage message = new MAPIMessage(CloseShieldInputStream.wrap(in))) {
            return summary(message, maxDepth);
        } catch (RuntimeException e) {
            throw new IOException(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
        }
    }

    private static Summary summary(MAPIMessage message, int maxDepth) throws IOException {
        message.setReturnNullOnMissingChunk(true);
        List<String> problems = new ArrayList<>();
        try {
            // 8-bit string properties are in the sender's code page (from the headers or PR_MESSAGE_CODEPAGE)
            message.guess7BitEncoding();
        } catch (RuntimeException e) {
            problems.add("code page unknown: " + e.getMessage());
        }
        String headers = attempt(() -> {
            String[] lines = message.getHeaders();
            return lines == null || lines.length == 0 ? null : String.join("\r\n", lines);
        }, problems);
        String fromName = attempt(message::getDisplayFrom, problems);
        String fromAddress = attempt(() -> senderAddress(message), problems);
        List<Recipient> recipients = new ArrayList<>();
        for (RecipientChunks recipient : message.getRecipientDetailsChunks()) {
            recipients.add(new Recipient(recipientKind(recipient), attempt(recipient::getRecipientName, problems),
                smtpOrNull(attempt(recipient::getRecipientEmailAddress, problems))));
        }
        Calendar date = attempt(message::getMessageDate, problems);
        StringChunk messageId = message.getMainChunks().getMessageId();
        List<File> files = new ArrayList<>();
        for (AttachmentChunks attachment : message.getAttachmentFiles()) {
            File file = attempt(() -> file(attachment, maxDepth), problems);
            if (file != null) {
                files.add(file);
            }
        }
        return new Summary(headers, attempt(message::getSubject, problems), blankToNull(fromName), fromAddress,
            recipients, date == null ? null : date.toInstant(), messageId == null ? null : blankToNull(messageId.getValue()),
            attempt(message::getTextBody, problems), attempt(message::getHtmlBody, problems), files, problems);
    }

    private static File file(AttachmentChunks attachment, int maxDepth) throws IOException {
        String name = firstValue(attachment.getAttachLongFileName(), attachment.getAttachFileName(),
            attachment.getAttachDisplayName());
        String contentType = firstValue(attachment.getAttachMimeTag());
        String contentId = firstValue(attachment.getAttachContentId());
        if (attachment.isEmbeddedMessage()) {
            DirectoryNode directory = attachment.getAttachmentDirectory().getDirectory();
            Summary embedded = maxDepth > 1 ? summary(attachment.getEmbeddedMessage(), maxDepth - 1) : null;
            return new File(name == null ? null : name + ".msg", "application/vnd.ms-outlook", contentId,
                standaloneMsg(directory), embedded);
        }
        if (attachment.getAttachData() == null) {
            throw new IllegalArgumentException("attachment '" + name + "' has no data (an OLE object or a link)");
        }
        return new File(name, contentType, contentId, attachment.getAttachData().getValue(), null);
    }

    /**
     * The attached item as a .msg file of its own: its storage copied to a new file's root, its property
     * stream given the 8 bytes a top-level header has and an embedded one lacks (MS-OXMSG 2.4.1), and the
     * named-property map, which only the outer file has, copied along.
     */
    private static byte[] standaloneMsg(DirectoryNode embedded) throws IOException {
        try (POIFSFileSystem file = new POIFSFileSystem()) {
            EntryUtils.copyNodes(embedded, file.getRoot());
            if (file.getRoot().hasEntry(PROPERTIES_STREAM)) {
                byte[] properties;
                try (DocumentInputStream in = file.getRoot().createDocumentInputStream(PROPERTIES_STREAM)) {
                    properties = in.readAllBytes();
                }
                byte[] topLevel = new byte[properties.length + 8];
                System.arraycopy(properties, 0, topLevel, 0, Math.min(24, properties.length));
                if (properties.length > 24) {
                    System.arraycopy(properties, 24, topLevel, 32, properties.length - 24);
                }
                file.getRoot().getEntry(PROPERTIES_STREAM).delete();
                file.getRoot().createDocument(PROPERTIES_STREAM, new java.io.ByteArrayInputStream(topLevel));
            }
            DirectoryEntry root = embedded;
            while (root.getParent() != null) {
                root = root.getParent();
            }
            if (root.hasEntry(NAMED_PROPERTIES) && !file.getRoot().hasEntry(NAMED_PROPERTIES)) {
                EntryUtils.copyNodeRecursively(root.getEntry(NAMED_PROPERTIES), file.getRoot());
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            file.writeFilesystem(out);
            return out.toByteArray();
        }
    }

    /** The sender's SMTP address: PR_SENDER_EMAIL_ADDRESS when it is one, else the SMTP address properties. */
    private static String senderAddress(MAPIMessage message) {
        StringChunk from = message.getMainChunks().getEmailFromChunk();
        if (from != null && isSmtpAddress(from.getValue())) {
            return from.getValue().strip();
        }
        for (int id : SENDER_SMTP_PROPERTIES) {
            for (Map.Entry<MAPIProperty, List<Chunk>> entry : message.getMainChunks().getAll().entrySet()) {
                if (entry.getKey().id == id) {
                    for (Chunk chunk : entry.getValue()) {
                        if (chunk instanceof StringChunk string && isSmtpAddress(string.getValue())) {
                            return string.getValue().strip();
                        }
                    }
                }
            }
        }
        return null; // an Exchange X.500 address is not a mail address
    }

    /** An Exchange X.500 address ({@code /O=ORG/OU=.../CN=NAME@X}) may contain an @ too but is not one. */
    private static boolean isSmtpAddress(String value) {
        return value != null && value.contains("@") && !value.strip().startsWith("/");
    }

    private static String smtpOrNull(String value) {
        return isSmtpAddress(value) ? value.strip() : null;
    }

    /** PR_RECIPIENT_TYPE: 1 To, 2 Cc, 3 Bcc. */
    private static String recipientKind(RecipientChunks recipient) {
        List<PropertyValue> values = recipient.getProperties().get(MAPIProperty.RECIPIENT_TYPE);
        if (values != null && !values.isEmpty() && values.get(0).getValue() instanceof Number type) {
            return switch (type.intValue()) {
                case 2 -> "cc";
                case 3 -> "bcc";
                default -> "to";
            };
        }
        return "to";
    }

    private static String firstValue(StringChunk... chunks) {
        for (StringChunk chunk : chunks) {
            if (chunk != null && chunk.getValue() != null && !chunk.getValue().isBlank()) {
                return chunk.getValue().strip();
            }
        }
        return null;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private interface Read<T> {
        T get() throws Exception;
    }

    /** One property that cannot be read does not lose the others: it is null and the reason is noted. */
    private static <T> T attempt(Read<T> read, List<String> problems) {
        try {
            return read.get();
        } catch (Exception e) {
            problems.add(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            return null;
        }
    }
}
