package org.mailhook.attachments;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.apache.james.mime4j.dom.Body;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Header;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.SingleBody;
import org.apache.james.mime4j.field.Fields;
import org.apache.james.mime4j.message.BasicBodyFactory;
import org.apache.james.mime4j.message.DefaultMessageWriter;
import org.apache.james.mime4j.stream.NameValuePair;
import org.apache.james.mime4j.stream.RawField;

/**
 * Replaces attachments, addressed by IMAP part number, with a short text/plain notice. The rest of
 * the message keeps its headers, and its leaf bodies are written back as they were in the mail (not
 * decoded and encoded again); only a {@code message/rfc822} part with a transfer encoding of its own is
 * encoded again around the message it holds.
 */
public final class AttachmentStripper {
    /** Header on each replacement part naming the part it replaced. */
    public static final String QUARANTINED_HEADER = "X-Mailhook-Quarantined";

    private AttachmentStripper() {
    }

    /**
     * @param mime the original message
     * @param noticeByPartId the text to put in place of each part; unknown part ids are ignored
     * @return the rewritten message
     */
    public static byte[] replaceParts(byte[] mime, Map<String, String> noticeByPartId) throws IOException {
        return replaceParts(mime, noticeByPartId, ScanLimits.defaults());
    }

    /**
     * As {@link #replaceParts(byte[], Map)}, addressing parts as a scan within {@code limits} reported them:
     * a container nested past {@code maxMimeDepth} is replaced whole, and the first part past
     * {@code maxParts} stands for every part that was not scanned.
     */
    public static byte[] replaceParts(byte[] mime, Map<String, String> noticeByPartId, ScanLimits limits) throws IOException {
        Message message = MimeParts.parse(mime);
        try {
            MimeParts.Walk walk = MimeParts.walk(message, limits);
            BasicBodyFactory bodies = new BasicBodyFactory();
            UndecodedBodyWriter writer = new UndecodedBodyWriter();
            for (Map.Entry<String, String> replacement : noticeByPartId.entrySet()) {
                String id = replacement.getKey();
                Map<String, Entity> targets = new LinkedHashMap<>();
                if (walk.leaves().containsKey(id)) {
                    targets.put(id, walk.leaves().get(id));
                } else if (walk.tooDeep().containsKey(id)) {
                    targets.put(id, walk.tooDeep().get(id));
                } else if (id.equals(walk.firstUnscanned())) {
                    targets.putAll(walk.unscanned());
                }
                for (Map.Entry<String, Entity> target : targets.entrySet()) {
                    writer.notices.add(replace(target.getValue(), target.getKey(), replacement.getValue(), bodies));
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(mime.length);
            writer.writeMessage(message, out);
            return out.toByteArray();
        } finally {
            message.dispose();
        }
    }

    private static Body replace(Entity part, String partId, String notice, BasicBodyFactory bodies) {
        Body old = part.removeBody();
        if (old != null) {
            old.dispose();
        }
        Header header = part.getHeader();
        // Parsed fields, not raw ones: the writer reads them back typed to pick the encoding.
        header.setField(Fields.contentType("text/plain", new NameValuePair("charset", "UTF-8")));
        header.setField(Fields.contentTransferEncoding("quoted-printable"));
        header.setField(Fields.contentDisposition("inline"));
        header.removeFields("Content-ID");
        header.removeFields("Content-Description");
        header.setField(new RawField(QUARANTINED_HEADER, "part=" + partId));
        Body body = bodies.textBody(notice, StandardCharsets.UTF_8);
        part.setBody(body);
        return body;
    }

    /**
     * {@link MimeParts#parse} keeps leaf bodies undecoded, so they are written as they are; the notices are
     * encoded by their Content-Transfer-Encoding, and so is an attached message (held decoded, as mime4j
     * parsed it).
     */
    private static final class UndecodedBodyWriter extends DefaultMessageWriter {
        final Set<Body> notices = Collections.newSetFromMap(new IdentityHashMap<>());
        private boolean encode;

        @Override
        public void writeEntity(Entity entity, OutputStream out) throws IOException {
            // DefaultMessageWriter asks encodeStream for this entity's body before it writes any part inside it
            encode = !(entity.getBody() instanceof SingleBody) || notices.contains(entity.getBody());
            super.writeEntity(entity, out);
        }

        @Override
        protected OutputStream encodeStream(OutputStream out, String encoding, boolean binaryBody) throws IOException {
            return encode ? super.encodeStream(out, encoding, binaryBody) : out;
        }
    }
}
