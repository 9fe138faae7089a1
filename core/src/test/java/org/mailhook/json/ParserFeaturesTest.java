package org.mailhook.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** Features on real corpus mail: charsets, calendar, nesting, extraction, thin form, limits, stress input. */
class ParserFeaturesTest {
    private final MessageParser parser = new MessageParser(ParseOptions.defaults());

    private JsonNode parse(String relative) {
        ParsedMessage parsed = MimeCorpus.parse(parser, MimeCorpus.root().resolve(relative));
        assertThat(MessageSchema.errors(parsed.json())).isEmpty();
        return MimeCorpus.json(parsed);
    }

    @Test
    void decodesLegacyCharsets() {
        assertThat(parse("mimekit/messages/japanese.txt").get("subject").asText()).isEqualTo("日本語メールテスト (testing Japanese emails)");
        assertThat(parse("ruby-mail/multi_charset/japanese_iso_2022.eml").get("text").asText()).contains("すみません。");
        assertThat(parse("ruby-mail/multi_charset/japanese_iso_2022.eml").get("subject").asText()).isEqualTo("まみむめも");
        assertThat(parse("ruby-mail/multi_charset/japanese_shift_jis.eml").get("text").asText()).contains("あいうえお");
        assertThat(parse("ruby-mail/multi_charset/ks_c_5601-1987.eml").get("text").asText()).contains("스티해");
        assertThat(parse("spamscope/mail_test_9").get("subject").asText())
            .isEqualTo("我把镜头拉近些，你们看看这个是什么屄，这种场合自然少不了内射");
        JsonNode mislabelled = parse("spamscope/mail_test_12");
        assertThat(mislabelled.get("text").asText()).contains("你好");
        assertThat(mislabelled.get("parse").get("warnings").toString()).contains("charset.mismatch");
    }

    @Test
    void decodesRfc2231AndEncodedWordFilenames() {
        List<String> names = new ArrayList<>();
        parse("mailparser/nodemailer.eml").get("attachments").forEach(a -> names.add(a.get("filename").asText(null)));
        assertThat(names).contains("nyan cat ✔.gif", "notes.txt");
        assertThat(parse("ruby-mail/attachment_emails/attachment_nonascii_filename.eml").get("attachments").get(0)
            .get("filename").asText()).isEqualTo("ciële.txt");
        // raw 8-bit (UTF-8) bytes in an unquoted parameter
        assertThat(parse("enmime/mail/mime-bad-8bit-filename.raw").get("attachments").get(0).get("filename").asText())
            .isEqualTo("管理.doc");
    }

    @Test
    void binaryLabelledAsTextIsAnAttachmentNotText() throws IOException {
        Path file = MimeCorpus.root().resolve("apache-poi/outlook-msg/simple_test_msg.msg"); // OLE2, not RFC 822
        JsonNode document = parse("apache-poi/outlook-msg/simple_test_msg.msg");

        assertThat(document.get("text").isNull()).isTrue();
        assertThat(document.get("parse").get("warnings").toString()).contains("text.binary");
        // mime4j reads the header-like lines the OLE file embeds as its header; the rest is the one part
        assertThat(document.get("attachments").get(0).get("partId").asText()).isEqualTo("1");
        assertThat(document.get("attachments").get(0).get("size").asLong()).isPositive();
        assertThat(document.get("raw").get("size").asLong()).isEqualTo(Files.size(file));
        // one stray NUL in real text does not make it binary (stalwart thirdparty/000)
        assertThat(parse("stalwart-mail-parser/eml/thirdparty/000.eml").get("text").asText()).contains("binary stuff in here");

        // a bare TNEF file whose first 8 KB look like text: judged on all of it, it is binary too
        JsonNode tnef = parse("mimekit/tnef/christmas.tnef");
        assertThat(tnef.get("text").isNull()).isTrue();
        assertThat(tnef.get("parse").get("warnings").toString()).contains("text.binary");
        assertThat(tnef.get("attachments").get(0).get("size").asLong()).isGreaterThan(700_000);
    }

    @Test
    void surfacesTheCalendarInvite() {
        JsonNode invite = parse("postal-mime/calendar-event.eml").get("calendar").get(0);
        assertThat(invite.get("method").asText()).isEqualTo("REQUEST");
        assertThat(invite.get("summary").asText()).isEqualTo("Test event ⏰");
        assertThat(invite.get("start").asText()).isEqualTo("2024-04-11T08:00:00Z");
        assertThat(invite.get("end").asText()).isEqualTo("2024-04-11T09:00:00Z");
        assertThat(invite.get("organizer").get("address").asText()).isEqualTo("andris@postalsys.com");
        assertThat(invite.get("attendees")).hasSize(2);
        assertThat(invite.get("attendees").get(1).get("status").asText()).isEqualTo("NEEDS-ACTION");
    }

    @Test
    void parsesAttachedMessagesRecursively() {
        JsonNode nested = parse("mime4j/testmsgs/base64encoded-rfc822message-nested.msg").get("attachments").get(0);
        assertThat(nested.get("contentType").asText()).isEqualTo("message/rfc822");
        JsonNode inner = nested.get("message");
        assertThat(inner.get("subject").asText()).isEqualTo("a simple rfc822 message encoded in a base64 body.");
        JsonNode innermost = inner.get("attachments").get(0).get("message");
        assertThat(innermost.get("text").asText()).isNotBlank();
        assertThat(innermost.get("bodyParts").get(0).get("partId").asText()).isEqualTo("1.1.1");
    }

    @Test
    void extractorStreamsTheSameBytesTheDocumentDescribes() throws IOException {
        AttachmentExtractor extractor = new AttachmentExtractor(ParseOptions.defaults());
        int checked = 0;
        for (String relative : List.of("mailparser/nodemailer.eml", "mimekit/tnef/rich-text.eml",
            "mime4j/mimetools-testmsgs/uu-zeegee.msg", "ruby-mail/attachment_emails/attachment_message_rfc822.eml",
            "spamscope/mail_test_2", "enmime/mail/inlinemultipart.raw", "mimekit/partial/rfc2046.eml")) { // last two: damaged base64
            Path file = MimeCorpus.root().resolve(relative);
            for (JsonNode attachment : parse(relative).get("attachments")) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                Optional<AttachmentExtractor.Extracted> extracted;
                try (InputStream in = Files.newInputStream(file)) {
                    extracted = extractor.extract(in, attachment.get("partId").asText(), out);
                }
                assertThat(extracted).isPresent();
                assertThat(out.size()).isEqualTo(attachment.get("size").asInt());
                assertThat(sha256(out.toByteArray())).isEqualTo(attachment.get("sha256").asText());
                checked++;
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(10);
        for (String notAnAttachment : List.of("9.9", "1.1")) { // no such part; a body text part
            ByteArrayOutputStream nothing = new ByteArrayOutputStream();
            try (InputStream in = Files.newInputStream(MimeCorpus.root().resolve("mailparser/nodemailer.eml"))) {
                assertThat(extractor.extract(in, notAnAttachment, nothing)).isEmpty();
            }
            assertThat(nothing.size()).isZero();
        }
    }

    @Test
    void thinFormDropsContentButKeepsReferences() {
        ParsedMessage parsed = MimeCorpus.parse(parser, MimeCorpus.root().resolve("mailparser/nodemailer.eml"));
        byte[] thin = ThinPayload.thin(parsed.json());
        JsonNode document = MimeCorpus.MAPPER.valueToTree(MimeCorpus.json(new ParsedMessage(parsed.id(), thin, null, null,
            null, 0, 0, 0, null)));

        assertThat(MessageSchema.errors(thin)).isEmpty();
        assertThat(document.get("thin").asBoolean()).isTrue();
        assertThat(thin.length).isLessThan(parsed.json().length);
        document.get("attachments").forEach(a -> {
            assertThat(a.has("content")).isFalse();
            assertThat(a.get("contentRef").asText()).isEqualTo("attachments/" + a.get("partId").asText());
        });
    }

    @Test
    void limitsAreWarningsNotFailures() {
        Path mail = MimeCorpus.root().resolve("mime4j/mimetools-testmsgs/multi-nested.msg");
        ParsedMessage full = MimeCorpus.parse(parser, mail);
        ParsedMessage fewParts = MimeCorpus.parse(new MessageParser(ParseOptions.defaults().withMaxParts(2)), mail);
        ParsedMessage shallow = MimeCorpus.parse(new MessageParser(ParseOptions.defaults().withMaxDepth(1)), mail);
        ParsedMessage noText = MimeCorpus.parse(new MessageParser(ParseOptions.defaults().withMaxTextBytes(10)), mail);

        for (ParsedMessage limited : List.of(fewParts, shallow, noText)) {
            assertThat(MessageSchema.errors(limited.json())).isEmpty();
            assertThat(limited.id()).isEqualTo(full.id());
        }
        assertThat(MimeCorpus.json(fewParts).get("parse").get("warnings").toString()).contains("limit.parts");
        assertThat(MimeCorpus.json(shallow).get("parse").get("warnings").toString()).contains("limit.depth");
        assertThat(MimeCorpus.json(noText).get("parse").get("warnings").toString()).contains("limit.text_bytes");
        assertThat(MimeCorpus.json(full).get("parse").get("warnings").toString()).doesNotContain("limit.");
    }

    /**
     * Stress input parses within the limits in one pass: every raw byte is read exactly once (raw.size
     * equals the file size, and the stream cannot be rewound) and the decoded output is proportional to
     * the input, so the work is linear in the mail's size.
     */
    @Test
    void stressInputParsesInOnePass() throws IOException {
        for (String relative : List.of("mailparser/stress/htmllargecallstack.eml", "mailparser/stress/large_text.eml",
            "mailparser/stress/outofmemory.eml", "mimekit/messages/stack-overflow.txt")) {
            Path file = MimeCorpus.root().resolve(relative);
            JsonNode document = parse(relative);
            long size = Files.size(file);
            assertThat(document.get("raw").get("size").asLong()).as(relative).isEqualTo(size);
            long decoded = document.get("text").asText("").length() + document.get("html").asText("").length();
            assertThat(decoded).as(relative).isLessThanOrEqualTo(2 * size);
            assertThat(document.get("parse").get("warnings").toString()).doesNotContain("limit.");
        }
        JsonNode header = parse("mimekit/messages/stack-overflow.txt");
        assertThat(header.get("headers").get(1).get("raw").asText().length()).isGreaterThan(100_000);
        assertThat(header.get("subject").asText()).isEqualTo("Message Subject");
        JsonNode small = MimeCorpus.json(MimeCorpus.parse(new MessageParser(ParseOptions.defaults().withMaxHeaderBytes(64 * 1024)),
            MimeCorpus.root().resolve("mimekit/messages/stack-overflow.txt")));
        assertThat(small.get("parse").toString()).contains("mime.unreadable");
        assertThat(small.get("raw").get("size").asLong()).isEqualTo(Files.size(MimeCorpus.root().resolve("mimekit/messages/stack-overflow.txt")));
    }

    /** A 50 MiB attachment is hashed while it streams and is not held: only its size, hash and reference stay. */
    @Test
    void largeAttachmentStreamsThrough() throws Exception {
        int size = 50 * 1024 * 1024;
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        InputStream mail = new java.io.SequenceInputStream(java.util.Collections.enumeration(List.of(
            new java.io.ByteArrayInputStream(("From: a@example.com\r\nSubject: big\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nbig one\r\n"
                + "--b\r\nContent-Type: application/octet-stream; name=big.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
            new RandomBase64(size, expected),
            new java.io.ByteArrayInputStream("--b--\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))));

        ParsedMessage parsed = parser.parse(mail, Envelope.none(), MessageParserTest.RECEIVED, java.util.Map.of());
        JsonNode attachment = MimeCorpus.json(parsed).get("attachments").get(0);

        assertThat(attachment.get("size").asLong()).isEqualTo(size);
        assertThat(attachment.get("sha256").asText()).isEqualTo(HexFormat.of().formatHex(expected.digest()));
        assertThat(attachment.has("content")).isFalse();
        assertThat(attachment.get("contentRef").asText()).isEqualTo("attachments/2");
        assertThat(parsed.json().length).isLessThan(10_000);
    }

    /** Base64 lines (76 characters + CRLF) of seeded random bytes, made on the fly and hashed as they go. */
    private static final class RandomBase64 extends InputStream {
        private final java.util.Random random = new java.util.Random(42);
        private final MessageDigest digest;
        private long remaining;
        private byte[] line = new byte[0];
        private int position;

        RandomBase64(long bytes, MessageDigest digest) {
            this.remaining = bytes;
            this.digest = digest;
        }

        @Override
        public int read() {
            if (position == line.length) {
                if (remaining == 0) {
                    return -1;
                }
                byte[] chunk = new byte[(int) Math.min(57, remaining)];
                random.nextBytes(chunk);
                digest.update(chunk);
                remaining -= chunk.length;
                line = (java.util.Base64.getEncoder().encodeToString(chunk) + "\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                position = 0;
            }
            return line[position++];
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            int n = 0;
            while (n < length) {
                int b = read();
                if (b < 0) {
                    return n == 0 ? -1 : n;
                }
                buffer[offset + n++] = (byte) b;
            }
            return n;
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
