package org.mailhook.attachments;

import java.io.ByteArrayInputStream;
import java.io.IOException;
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
import org.apache.james.mime4j.dom.field.ContentTypeField;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.apache.james.mime4j.stream.MimeConfig;

/**
 * The MIME walk shared by scanning and stripping: parses a message with mime4j and numbers its
 * leaf parts as IMAP does (RFC 3501 body part numbers), so verdicts and the message JSON agree:
 * a single-part message has part {@code 1}; multipart children are {@code 1}, {@code 2} ...;
 * inside a {@code message/rfc822} part {@code 2} the encapsulated parts are {@code 2.1}, {@code 2.2} ...
 */
final class MimeParts {
    private MimeParts() {
    }

    static Message parse(byte[] mime) throws IOException {
        DefaultMessageBuilder builder = new DefaultMessageBuilder();
        builder.setMimeEntityConfig(MimeConfig.PERMISSIVE);
        builder.setDecodeMonitor(DecodeMonitor.SILENT);
        return builder.parseMessage(new ByteArrayInputStream(mime));
    }

    /** Every leaf part (not multipart, not message/rfc822) by its IMAP part number, in document order. */
    static Map<String, Entity> leaves(Message message) {
        Map<String, Entity> leaves = new LinkedHashMap<>();
        walkMessage(message, "", leaves, 0);
        return leaves;
    }

    private static void walkMessage(Message message, String id, Map<String, Entity> leaves, int depth) {
        if (message.getBody() instanceof Multipart multipart) {
            walkChildren(multipart.getBodyParts(), id, leaves, depth);
        } else {
            walkPart(message, id.isEmpty() ? "1" : id + ".1", leaves, depth);
        }
    }

    private static void walkChildren(List<Entity> parts, String id, Map<String, Entity> leaves, int depth) {
        for (int i = 0; i < parts.size(); i++) {
            walkPart(parts.get(i), id.isEmpty() ? String.valueOf(i + 1) : id + "." + (i + 1), leaves, depth);
        }
    }

    private static void walkPart(Entity part, String id, Map<String, Entity> leaves, int depth) {
        Body body = part.getBody();
        // mime4j bounds nesting itself (MimeConfig.maxNestingDepth); this guards pathological DOMs as well.
        if (depth > 100) {
            return;
        }
        if (body instanceof Multipart multipart) {
            walkChildren(multipart.getBodyParts(), id, leaves, depth + 1);
        } else if (body instanceof Message message) {
            walkMessage(message, id, leaves, depth + 1);
        } else {
            leaves.put(id, part);
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
