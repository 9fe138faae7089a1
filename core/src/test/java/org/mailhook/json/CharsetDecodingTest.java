package org.mailhook.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** Charset labels real mailers write, unknown labels and undecodable bytes, through the whole parser. */
class CharsetDecodingTest {
    private final MessageParser parser = new MessageParser(ParseOptions.defaults());

    private static List<String> warnings(JsonNode document, String code) {
        List<String> messages = new ArrayList<>();
        document.get("parse").get("warnings").forEach(w -> {
            if (w.get("code").asText().equals(code)) {
                messages.add(w.get("message").asText());
            }
        });
        return messages;
    }

    @Test
    void pythonCodecNamesDecodeInHeadersNamesAndBodies() throws Exception {
        ByteArrayOutputStream mail = new ByteArrayOutputStream();
        mail.writeBytes(("From: =?big5_tw?Q?=A4=FD=A4=70=A9=FA?= <wang@example.tw>\r\n"
            + "To: =?EUCGB2312_CN?B?1tDOxA==?= <li@example.cn>\r\n"
            + "Subject: =?eucgb2312_cn?B?1tDOxNPKvP6y4srU?= =?big5_tw?Q?=A4=A4=A4=E5=B6=6C=A5=F3?=\r\n"
            + "Content-Type: text/plain; charset=\"eucgb2312_cn\"\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        mail.writeBytes(new byte[] {(byte) 0xD6, (byte) 0xD0, (byte) 0xCE, (byte) 0xC4, (byte) 0xC4, (byte) 0xDA,
            (byte) 0xC8, (byte) 0xDD, '\r', '\n'});
        JsonNode document = MessageParserTest.parse(parser, mail.toByteArray());

        assertThat(document.get("subject").asText()).isEqualTo("中文邮件测试中文郵件");
        assertThat(document.get("from").get(0).get("name").asText()).isEqualTo("王小明");
        assertThat(document.get("to").get(0).get("name").asText()).isEqualTo("中文");
        assertThat(document.get("text").asText()).isEqualTo("中文内容\n");
        document.get("headers").forEach(h -> assertThat(h.get("value").asText()).doesNotContain("=?"));
        assertThat(warnings(document, "charset.unknown")).isEmpty();
        assertThat(warnings(document, "charset.undecodable")).isEmpty();
    }

    @Test
    void unknownLabelIsReadAsUtf8OrWindows1252WithAWarning() throws Exception {
        String mail = "From: =?x-klingon?Q?Andr=E9?= <andre@example.org>\r\n"
            + "Subject: =?x-klingon?Q?caf=C3=A9?= / =?x-vulcan?B?Y2Fm6Q==?=\r\n"
            + "Content-Type: text/plain; charset=x-romulan\r\n\r\nna\u00efve\r\n";
        JsonNode document = MessageParserTest.parse(parser, mail);

        assertThat(document.get("subject").asText()).isEqualTo("café / café"); // valid UTF-8, then windows-1252
        assertThat(document.get("from").get(0).get("name").asText()).isEqualTo("André");
        assertThat(document.get("text").asText()).isEqualTo("naïve\n");
        List<String> unknown = warnings(document, "charset.unknown");
        assertThat(unknown).anyMatch(m -> m.contains("'x-klingon'") && m.contains("Subject"));
        assertThat(unknown).anyMatch(m -> m.contains("'x-vulcan'"));
        assertThat(unknown).anyMatch(m -> m.contains("'x-klingon'") && m.contains("From"));
        assertThat(unknown).anyMatch(m -> m.contains("'x-romulan'"));
    }

    @Test
    void undecodableBytesBecomeReplacementCharactersWithAWarning() throws Exception {
        ByteArrayOutputStream mail = new ByteArrayOutputStream();
        mail.writeBytes(("Subject: =?utf-8?Q?caf=C3?= ok\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n\r\nab").getBytes(StandardCharsets.US_ASCII));
        mail.writeBytes(new byte[] {(byte) 0xC3, 'c', '\r', '\n'});
        JsonNode document = MessageParserTest.parse(parser, mail.toByteArray());

        assertThat(document.get("subject").asText()).isEqualTo("caf\uFFFD ok");
        assertThat(document.get("text").asText()).isEqualTo("ab\uFFFDc\n");
        List<String> undecodable = warnings(document, "charset.undecodable");
        assertThat(undecodable).anyMatch(m -> m.contains("Subject"));
        assertThat(undecodable).anyMatch(m -> m.contains("'utf-8'"));
    }

    @Test
    void validReplacementCharactersAreNotUndecodable() throws Exception {
        // U+FFFD sent as valid UTF-8 in a body is text, not an undecodable byte
        String mail = "Subject: x\uFFFD\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nx\uFFFDy\r\n";
        JsonNode document = MessageParserTest.parse(parser, mail);

        assertThat(document.get("subject").asText()).isEqualTo("x\uFFFD");
        assertThat(document.get("text").asText()).isEqualTo("x\uFFFDy\n");
        assertThat(warnings(document, "charset.undecodable")).isEmpty();
    }

    @Test
    void invalidUtf8IsReplacedAsWhatwgDecodersReplaceIt() {
        // Unicode 3.9 Table 3-8 and surrogate bytes: one U+FFFD per maximal subpart, as browsers and the Node peers decode
        assertThat(Charsets.utf8Replacing(bytes(0x61, 0xF1, 0x80, 0x80, 0xE1, 0x80, 0xC2, 0x62, 0x80, 0x63, 0x80, 0xBF, 0x64), 13))
            .isEqualTo("a\uFFFD\uFFFD\uFFFDb\uFFFDc\uFFFD\uFFFDd");
        assertThat(Charsets.utf8Replacing(bytes(0xED, 0xB2, 0x2B, 0xED, 0xA0, 0x80, 0xE0, 0x80, 0xF4, 0x90, 0xC3), 11))
            .isEqualTo("\uFFFD\uFFFD+\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD");
        java.util.Random random = new java.util.Random(3629);
        for (int n = 0; n < 2_000; n++) {
            StringBuilder text = new StringBuilder();
            for (int c = random.nextInt(40); c > 0; c--) {
                int codePoint = random.nextInt(0x11_0000);
                text.appendCodePoint(Character.isSurrogate((char) codePoint) && codePoint <= 0xFFFF ? 'x' : codePoint);
            }
            byte[] valid = text.toString().getBytes(StandardCharsets.UTF_8);
            assertThat(Charsets.utf8Replacing(valid, valid.length)).isEqualTo(text.toString());
        }
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }
}
