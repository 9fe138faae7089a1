package org.mailhook.attachments;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.dom.Body;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.Multipart;
import org.apache.james.mime4j.dom.SingleBody;
import org.apache.james.mime4j.dom.field.ContentTypeField;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.apache.james.mime4j.stream.MimeConfig;
import org.mailhook.codec.TransferDecoding;

/**
 * The MIME walk shared by scanning and stripping: parses a message with mime4j and numbers its
 * leaf parts as IMAP does (RFC 3501 body part numbers), so verdicts and the message JSON agree:
 * a single-part message has part {@code 1}; multipart children are {@code 1}, {@code 2} ...;
 * inside a {@code message/rfc822} part {@code 2} the encapsulated parts are {@code 2.1}, {@code 2.2} ...
 * The JSON engine numbers its own walk (it may not use this package); PartNumberAgreementTest holds the
 * two to the same numbers on the whole corpus.
 */
final class MimeParts {
    private MimeParts() {
    }

    /**
     * mime4j parses nesting iteratively and has no depth bound of its own; {@link #walk} applies the limits.
     * Leaf bodies are kept as they are in the mail: {@link #decoded} reads them, with the decoder the
     * message document uses, and the stripper writes them back untouched.
     */
    static Message parse(byte[] mime) throws IOException {
        DefaultMessageBuilder builder = new DefaultMessageBuilder();
        builder.setMimeEntityConfig(MimeConfig.PERMISSIVE);
        builder.setDecodeMonitor(DecodeMonitor.SILENT);
        builder.setContentDecoding(false);
        builder.setBodyFactory(ChunkedBodies.INSTANCE);
        return builder.parseMessage(new ByteArrayInputStream(mime));
    }

    /**
     * A leaf's decoded bytes, by its Content-Transfer-Encoding, as the message document decodes them
     * ({@link TransferDecoding}): the document's SHA-256 of a part names the bytes scanned here.
     */
    static InputStream decoded(Entity leaf) throws IOException {
        return TransferDecoding.decoded(((SingleBody) leaf.getBody()).getInputStream(), leaf.getContentTransferEncoding(),
            DecodeMonitor.SILENT);
    }

    /** Below this raw size a part is read without a size hint: the extra copy is small, the counting pass would not be. */
    private static final long SIZE_HINT_FROM = 256 * 1024;

    /**
     * How many bytes {@link #decoded} will give for a large leaf, or -1 when that is not known cheaply: the
     * raw size for the identity encodings, and the alphabet characters counted (three bytes for every four)
     * for base64. A hint, not a promise: damaged base64 may decode otherwise, and readers must cope.
     */
    static long decodedSizeHint(Entity leaf) throws IOException {
        SingleBody body = (SingleBody) leaf.getBody();
        long raw = body.size();
        if (raw < SIZE_HINT_FROM) {
            return -1;
        }
        String encoding = leaf.getContentTransferEncoding() == null ? "7bit" : leaf.getContentTransferEncoding().trim().toLowerCase(Locale.ROOT);
        switch (encoding) {
            case "7bit", "8bit", "binary" -> {
                return raw;
            }
            case "base64" -> {
                long alphabet = 0;
                byte[] buffer = new byte[8192];
                try (InputStream in = body.getInputStream()) {
                    for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
                        for (int i = 0; i < n; i++) {
                            byte b = buffer[i];
                            if (b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '+' || b == '/') {
                                alphabet++;
                            }
                        }
                    }
                }
                return alphabet / 4 * 3 + Math.max(0, alphabet % 4 - 1);
            }
            default -> {
                return -1;
            }
        }
    }

    /**
     * Where a bounded walk stopped.
     *
     * @param leaves the leaf parts walked, at most {@link ScanLimits#maxParts()}, by IMAP part number in document order
     * @param tooDeep multiparts and attached messages nested deeper than {@link ScanLimits#maxMimeDepth()}: not walked
     * @param unscanned leaf parts past {@link ScanLimits#maxParts()}, in document order: not scanned
     */
    record Walk(Map<String, Entity> leaves, Map<String, Entity> tooDeep, Map<String, Entity> unscanned) {
        /** The first part past the part limit (its id names them all in a verdict), or null. */
        String firstUnscanned() {
            return unscanned.isEmpty() ? null : unscanned.keySet().iterator().next();
        }
    }

    /** Every leaf part (not multipart, not message/rfc822) by its IMAP part number, in document order. */
    static Map<String, Entity> leaves(Message message) {
        return walk(message, ScanLimits.defaults().withMimeLimits(Integer.MAX_VALUE, 100,
            ScanLimits.DEFAULT_MAX_PART_BYTES, ScanLimits.DEFAULT_MAX_ARCHIVE_ENTRY_BYTES)).leaves();
    }

    /**
     * Walks the MIME tree within the limits: at most {@code maxParts} leaves are taken, containers nested
     * deeper than {@code maxMimeDepth} are not entered (iteratively, so no depth can overflow the stack).
     */
    static Walk walk(Message message, ScanLimits limits) {
        Walk walk = new Walk(new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>());
        // Each frame: an entity to visit, its part number, and how many containers enclose it.
        Deque<Object[]> stack = new ArrayDeque<>();
        if (message.getBody() instanceof Multipart multipart) {
            pushChildren(stack, multipart.getBodyParts(), "", 1);
        } else {
            stack.push(new Object[] {message, "1", 0});
        }
        while (!stack.isEmpty()) {
            Object[] frame = stack.pop();
            Entity part = (Entity) frame[0];
            String id = (String) frame[1];
            int depth = (Integer) frame[2];
            Body body = part.getBody();
            boolean container = body instanceof Multipart || body instanceof Message;
            if (container && depth + 1 > limits.maxMimeDepth()) {
                walk.tooDeep().put(id, part);
            } else if (body instanceof Multipart multipart) {
                pushChildren(stack, multipart.getBodyParts(), id, depth + 1);
            } else if (body instanceof Message inner) {
                if (inner.getBody() instanceof Multipart multipart) {
                    pushChildren(stack, multipart.getBodyParts(), id, depth + 2);
                } else {
                    stack.push(new Object[] {inner, id + ".1", depth + 1});
                }
            } else if (walk.leaves().size() < limits.maxParts()) {
                walk.leaves().put(id, part);
            } else {
                walk.unscanned().put(id, part);
            }
        }
        return walk;
    }

    private static void pushChildren(Deque<Object[]> stack, List<Entity> parts, String id, int depth) {
        for (int i = parts.size() - 1; i >= 0; i--) {
            stack.push(new Object[] {parts.get(i), id.isEmpty() ? String.valueOf(i + 1) : id + "." + (i + 1), depth});
        }
    }

    /** The file name from Content-Disposition, else Content-Type's name, with RFC 2047 words decoded. */
    static String filename(Entity part) {
        List<String> names = names(part);
        return names.isEmpty() ? null : names.get(0);
    }

    /**
     * Every name the part gives itself: Content-Disposition filename (RFC 2231 decoded by mime4j) and
     * Content-Type name. Mail clients differ on which one they show and save, so attackers make them differ.
     */
    static List<String> names(Entity part) {
        Set<String> names = new LinkedHashSet<>();
        addDecoded(names, part.getFilename());
        if (part.getHeader() != null && part.getHeader().getField("Content-Type") instanceof ContentTypeField type) {
            addDecoded(names, type.getParameter("name"));
        }
        return List.copyOf(names);
    }

    private static void addDecoded(Set<String> names, String name) {
        if (name != null && !name.isBlank()) {
            names.add(name.contains("=?") ? DecoderUtil.decodeEncodedWords(name, DecodeMonitor.SILENT) : name);
        }
    }

    /**
     * Body text is rendered, never opened as a file: an inline text/plain or text/html part without a
     * name is message text, everything else is an attachment.
     */
    static boolean isAttachment(Entity part) {
        String type = part.getMimeType() == null ? "text/plain" : part.getMimeType().toLowerCase(Locale.ROOT);
        boolean bodyText = type.equals("text/plain") || type.equals("text/html");
        return !bodyText || filename(part) != null || "attachment".equalsIgnoreCase(part.getDispositionType());
    }
}
