package org.mailhook.attachments;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Message;
import org.junit.jupiter.api.Test;
import org.mailhook.json.AttachmentExtractor;
import org.mailhook.json.Envelope;
import org.mailhook.json.MessageParser;
import org.mailhook.json.ParseOptions;
import org.mailhook.testing.Corpus;

/**
 * The message JSON ({@code org.mailhook.json}, a walk over mime4j's token stream) and the attachment
 * scanner ({@link MimeParts}, mime4j's message tree) number MIME parts each on their own, and verdicts,
 * quarantine and the JSON's {@code security} section rely on both giving a leaf the same IMAP number.
 * The two engines may not depend on each other, so the agreement is checked here, on every mail of the
 * corpus: each MIME attachment of the JSON (not a file unpacked from one, not an attached message,
 * which the scanner walks into) is a leaf of the scanner under the same part number, with the same
 * decoded bytes, and {@link AttachmentExtractor} serves those bytes for that part number. Damaged base64
 * (a cut last quantum, data after padding) is where decoders part ways, so this also holds the shared
 * decoder ({@code org.mailhook.codec}) in use on both sides.
 */
class PartNumberAgreementTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void everyJsonAttachmentIsTheScannersLeafOfTheSameNumber() throws Exception {
        MessageParser parser = new MessageParser(ParseOptions.defaults());
        AttachmentExtractor extractor = new AttachmentExtractor(ParseOptions.defaults());
        List<String> disagreements = new ArrayList<>();
        int mails = 0;
        int compared = 0;
        int inMessages = 0;
        for (Path file : Corpus.mimeMails()) {
            mails++;
            byte[] mime = Files.readAllBytes(file);
            JsonNode document = MAPPER.readTree(parser.parse(new ByteArrayInputStream(mime), Envelope.none(),
                Instant.EPOCH, Map.of()).json());
            Message message = MimeParts.parse(mime);
            try {
                Map<String, Entity> leaves = MimeParts.leaves(message);
                List<JsonNode> attachments = new ArrayList<>();
                mimeAttachments(document.path("attachments"), attachments);
                for (JsonNode attachment : attachments) {
                    compared++;
                    String partId = attachment.path("partId").asText();
                    inMessages += partId.contains(".") ? 1 : 0;
                    String where = Corpus.root().relativize(file) + "#" + partId;
                    Entity leaf = leaves.get(partId);
                    if (leaf == null) {
                        disagreements.add(where + ": no scanner leaf of that number (scanner: " + leaves.keySet() + ")");
                    } else if (!sha256(leaf).equals(attachment.path("sha256").asText())) {
                        disagreements.add(where + ": the scanner's leaf of that number has other bytes");
                    }
                    if (!extractedSha256(extractor, mime, partId).equals(attachment.path("sha256").asText())) {
                        disagreements.add(where + ": AttachmentExtractor serves other bytes for that number");
                    }
                }
            } finally {
                message.dispose();
            }
        }
        System.out.printf("[part numbers] %d mails, %d MIME attachments compared (%d with a dotted number), %d disagree%n",
            mails, compared, inMessages, disagreements.size());
        disagreements.forEach(d -> System.out.println("[part numbers] " + d));
        assertThat(mails).isGreaterThanOrEqualTo(380);
        assertThat(compared).isGreaterThanOrEqualTo(230);
        assertThat(inMessages).isPositive(); // numbers inside nested multiparts and attached messages are compared too
        assertThat(disagreements).isEmpty();
    }

    /**
     * The JSON's attachments that are MIME leaves, in attached messages too: not files unpacked from a leaf
     * (TNEF, uuencode, .msg), not attached MIME messages (containers to the scanner; an Outlook .msg is a leaf).
     */
    private static void mimeAttachments(JsonNode attachments, List<JsonNode> out) {
        for (JsonNode attachment : attachments) {
            boolean mime = attachment.path("source").asText().equals("mime");
            if (mime && !(attachment.has("message") && attachment.path("contentType").asText().startsWith("message/"))) {
                out.add(attachment);
            }
            if (attachment.has("message")) {
                mimeAttachments(attachment.path("message").path("attachments"), out);
            }
        }
    }

    private static String sha256(Entity leaf) throws IOException {
        try (InputStream in = MimeParts.decoded(leaf)) {
            return sha256(in.readAllBytes());
        }
    }

    private static String extractedSha256(AttachmentExtractor extractor, byte[] mime, String partId) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        return extractor.extract(new ByteArrayInputStream(mime), partId, out).isPresent() ? sha256(out.toByteArray()) : "(none)";
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
