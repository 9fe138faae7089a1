package org.mailhook.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.poi.hsmf.MAPIMessage;
import org.junit.jupiter.api.Test;

/**
 * Outlook .msg files (CFB/OLE2) of the corpus: as bare files ({@link MessageParser#parseOutlook}) and as
 * attachments of a mail. The corpus ships no expected results for them; they are compared with what
 * POI's own HSMF tests expect of these files, and each file's MAPI properties with the transport header
 * block the same file carries (two independent records of one message). Known disagreements: docs/parsing.md.
 */
class OutlookMsgCorpusTest {
    private static final List<String> FILES = List.of("apache-poi/outlook-msg/attachment_msg_pdf.msg",
        "apache-poi/outlook-msg/cyrillic_message.msg", "apache-poi/outlook-msg/quick.msg",
        "apache-poi/outlook-msg/simple_test_msg.msg", "spamscope/mail_outlook_1");
    private final MessageParser parser = new MessageParser(ParseOptions.defaults());

    private JsonNode bare(String relative) throws IOException {
        Path file = MimeCorpus.root().resolve(relative);
        ParsedMessage parsed;
        try (InputStream in = Files.newInputStream(file)) {
            parsed = parser.parseOutlook(in, Envelope.none(), MessageParserTest.RECEIVED, Map.of());
        }
        assertThat(MessageSchema.errors(parsed.json())).isEmpty();
        JsonNode document = MimeCorpus.json(parsed);
        assertThat(document.get("raw").get("size").asLong()).isEqualTo(Files.size(file));
        return document;
    }

    @Test
    void everyMsgFileIsReadWithoutErrors() throws IOException {
        for (String relative : FILES) {
            assertThat(MessageParser.isOutlookMsg(Files.readAllBytes(MimeCorpus.root().resolve(relative)))).isTrue();
            JsonNode document = bare(relative);
            assertThat(document.get("parse").get("errors")).as(relative).isEmpty();
            assertThat(document.get("subject").asText()).as(relative).isNotBlank();
            assertThat(document.get("text").asText()).as(relative).isNotBlank();
        }
    }

    /** The values POI's HSMF tests (TestBasics, TestOutlookTextExtractor) assert for the same files. */
    @Test
    void agreesWithPoisExpectations() throws IOException {
        Agreement agreement = new Agreement("apache-poi/outlook-msg (POI HSMF tests)");
        JsonNode quick = bare("apache-poi/outlook-msg/quick.msg");
        agreement.check("quick.msg", "subject", "Test the content transformer", quick.get("subject").asText());
        agreement.check("quick.msg", "from", "Kevin Roast", quick.get("from").get(0).get("name").asText());
        agreement.check("quick.msg", "to", "Kevin Roast <kevin.roast@alfresco.org>", address(quick.get("to").get(0)));
        agreement.check("quick.msg", "cc", 0, quick.get("cc").size());
        agreement.check("quick.msg", "bcc", 0, quick.get("bcc").size());
        agreement.check("quick.msg", "attachments", 0, quick.get("attachments").size());
        agreement.check("quick.msg", "date", "2007-06-14T09:42:55Z", quick.get("date").asText());
        agreement.check("quick.msg", "text", true, quick.get("text").asText().contains("The quick brown fox jumps over the lazy dog"));

        JsonNode simple = bare("apache-poi/outlook-msg/simple_test_msg.msg");
        agreement.check("simple_test_msg.msg", "subject", "test message", simple.get("subject").asText());
        agreement.check("simple_test_msg.msg", "from", "Travis Ferguson", simple.get("from").get(0).get("name").asText());
        agreement.check("simple_test_msg.msg", "to", "travis@overwrittenstack.com", simple.get("to").get(0).get("address").asText());
        agreement.check("simple_test_msg.msg", "text", "This is a test message.", simple.get("text").asText());
        agreement.check("simple_test_msg.msg", "attachments", 0, simple.get("attachments").size());

        JsonNode pdf = bare("apache-poi/outlook-msg/attachment_msg_pdf.msg");
        List<String> names = new ArrayList<>();
        pdf.get("attachments").forEach(a -> names.add(a.get("filename").asText()));
        agreement.check("attachment_msg_pdf.msg", "attachment names", List.of("Test Attachment.msg", "smbprn.00009008.KdcPjl.pdf"), names);
        agreement.check("attachment_msg_pdf.msg", "attached message", true, pdf.get("attachments").get(0).has("message"));
        byte[] pdfBytes = Base64.getDecoder().decode(pdf.get("attachments").get(1).get("content").asText());
        agreement.check("attachment_msg_pdf.msg", "pdf bytes", "%PDF", new String(pdfBytes, 0, 4, StandardCharsets.US_ASCII));
        assertThat(agreement.report().rate()).isEqualTo(1.0);
    }

    /** Subject, From address and Message-ID as the MAPI properties say and as the transport headers say. */
    @Test
    void mapiPropertiesAgreeWithTheTransportHeaders() throws IOException {
        Agreement agreement = new Agreement("outlook-msg MAPI properties vs headers");
        for (String relative : FILES) {
            OutlookMessage.Summary summary;
            try (InputStream in = Files.newInputStream(MimeCorpus.root().resolve(relative))) {
                summary = OutlookMessage.read(in, 5);
            }
            if (summary.transportHeaders() == null) {
                continue;
            }
            MessageModel headers = new MimeWalker(ParseOptions.defaults(), new Problems()).walk(new ByteArrayInputStream(
                (summary.transportHeaders() + "\r\n\r\n").getBytes(StandardCharsets.UTF_8)), "", 0);
            agreement.check(relative, "subject", headers.subject, summary.subject());
            agreement.check(relative, "from", headers.addresses("from").get(0).address().toLowerCase(),
                summary.fromAddress() == null ? null : summary.fromAddress().toLowerCase());
            agreement.check(relative, "message-id", "<" + headers.messageId + ">", summary.messageId());
        }
        assertThat(agreement.checks()).isEqualTo(12);
        // attachment_msg_pdf.msg: the sender is only an Exchange X.500 address in MAPI (the document takes the header's)
        assertThat(agreement.report().rate()).isGreaterThanOrEqualTo(11 / 12.0);
    }

    /** A .msg attached to a mail (application/vnd.ms-outlook) is a nested message, with its files as .mN attachments. */
    @Test
    void attachedMsgIsANestedMessageAndItsFilesCanBeExtracted() throws Exception {
        byte[] msg = Files.readAllBytes(MimeCorpus.root().resolve("apache-poi/outlook-msg/attachment_msg_pdf.msg"));
        byte[] mail = mailWith(msg);
        ParsedMessage parsed = parser.parse(new ByteArrayInputStream(mail), Envelope.none(), MessageParserTest.RECEIVED, Map.of());
        assertThat(MessageSchema.errors(parsed.json())).isEmpty();
        JsonNode document = MimeCorpus.json(parsed);
        JsonNode attachment = document.get("attachments").get(0);

        assertThat(attachment.get("size").asInt()).isEqualTo(msg.length);
        JsonNode nested = attachment.get("message");
        assertThat(nested.get("subject").asText()).isEqualTo("test email");
        assertThat(nested.get("from").get(0).get("address").asText()).isEqualTo("nick.booth@pof.com.au");
        assertThat(nested.get("text").asText()).startsWith("Test email with 1 msg attachment, 1 pdf");
        JsonNode embedded = nested.get("attachments").get(0);
        assertThat(embedded.get("partId").asText()).isEqualTo("2.m1");
        assertThat(embedded.get("source").asText()).isEqualTo("msg");
        assertThat(embedded.get("parentPartId").asText()).isEqualTo("2");
        assertThat(embedded.get("message").get("subject").asText()).isEqualTo("Test Attachment");
        assertThat(nested.get("attachments").get(1).get("partId").asText()).isEqualTo("2.m2");
        assertThat(parsed.attachmentCount()).isEqualTo(3);

        AttachmentExtractor extractor = new AttachmentExtractor(ParseOptions.defaults());
        for (JsonNode file : nested.get("attachments")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThat(extractor.extract(new ByteArrayInputStream(mail), file.get("partId").asText(), out)).isPresent();
            assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(out.toByteArray())))
                .isEqualTo(file.get("sha256").asText());
            if (file.has("message")) {
                // the attached Outlook item is served as a .msg of its own, which Outlook tools (here POI) open
                try (MAPIMessage item = new MAPIMessage(new ByteArrayInputStream(out.toByteArray()))) {
                    assertThat(item.getSubject()).isEqualTo("Test Attachment");
                }
            }
        }
    }

    @Test
    void damagedMsgIsAnErrorAndStaysAnAttachment() throws Exception {
        byte[] msg = Files.readAllBytes(MimeCorpus.root().resolve("apache-poi/outlook-msg/quick.msg"));
        byte[] cut = Arrays.copyOf(msg, 4096);
        JsonNode document = MessageParserTest.parse(parser, mailWith(cut));

        assertThat(document.get("parse").get("errors").toString()).contains("msg.unreadable");
        assertThat(document.get("attachments").get(0).get("size").asInt()).isEqualTo(4096);
        assertThat(document.get("attachments").get(0).has("message")).isFalse();
    }

    private static byte[] mailWith(byte[] msg) {
        return MimeCorpus.mailWithAttachment("application/vnd.ms-outlook; name=\"test email.msg\"", msg);
    }

    private static String address(JsonNode address) {
        return address.get("name").asText() + " <" + address.get("address").asText() + ">";
    }
}
