package org.mailhook.attachments;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.apache.james.mime4j.dom.Body;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Header;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.field.Fields;
import org.apache.james.mime4j.message.BasicBodyFactory;
import org.apache.james.mime4j.message.DefaultMessageWriter;
import org.apache.james.mime4j.stream.NameValuePair;
import org.apache.james.mime4j.stream.RawField;

/**
 * Replaces attachments, addressed by IMAP part number, with a short text/plain notice. The rest of
 * the message keeps its headers and decoded content (mime4j re-encodes the bodies it writes).
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
        Message message = MimeParts.parse(mime);
        try {
            Map<String, Entity> leaves = MimeParts.leaves(message);
            BasicBodyFactory bodies = new BasicBodyFactory();
            for (Map.Entry<String, String> replacement : noticeByPartId.entrySet()) {
                Entity part = leaves.get(replacement.getKey());
                if (part == null) {
                    continue;
                }
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
                header.setField(new RawField(QUARANTINED_HEADER, "part=" + replacement.getKey()));
                part.setBody(bodies.textBody(replacement.getValue(), StandardCharsets.UTF_8));
            }
            return DefaultMessageWriter.asBytes(message);
        } finally {
            message.dispose();
        }
    }
}
