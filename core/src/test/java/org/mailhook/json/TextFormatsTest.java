package org.mailhook.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** UTF-7 (RFC 2152), format=flowed (RFC 3676) and message/partial (RFC 2046 5.2.2). */
class TextFormatsTest {
    private final MessageParser parser = new MessageParser(ParseOptions.defaults());

    private JsonNode corpus(String relative) {
        ParsedMessage parsed = MimeCorpus.parse(parser, MimeCorpus.root().resolve(relative));
        assertThat(MessageSchema.errors(parsed.json())).isEmpty();
        return MimeCorpus.json(parsed);
    }

    /** The corpus has no UTF-7 mail, so the examples of RFC 2152 section 3 are sent in each place a charset can be named. */
    @Test
    void decodesUtf7TextEncodedWordsAndFilenames() throws Exception {
        String mail = "From: =?UTF-7?Q?Hi_Mom_-+Jjo--!?= <mom@example.com>\r\n"
            + "Subject: =?utf-7?B?" + Base64.getEncoder().encodeToString("+ZeVnLIqe-".getBytes(StandardCharsets.US_ASCII))
            + "?= =?unicode-1-1-utf-7?Q?A+ImIDkQ.?=\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
            + "--b\r\nContent-Type: text/plain; charset=UTF-7\r\n\r\nItem 3 is +AKM-1.\r\nHi Mom -+Jjo--!\r\n"
            + "--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename*=utf-7''Item%203%20is%20+AKM-1.txt\r\n\r\n"
            + "x\r\n--b--\r\n";
        JsonNode document = MessageParserTest.parse(parser, mail);

        assertThat(document.get("text").asText()).isEqualTo("Item 3 is £1.\nHi Mom -☺-!"); // the last CRLF belongs to the boundary
        assertThat(document.get("subject").asText()).isEqualTo("日本語A≢Α.");
        assertThat(document.get("from").get(0).get("name").asText()).isEqualTo("Hi Mom -☺-!");
        assertThat(document.get("from").get(0).get("address").asText()).isEqualTo("mom@example.com");
        assertThat(document.get("attachments").get(0).get("filename").asText()).isEqualTo("Item 3 is £1.txt");
        assertThat(document.get("parse").toString()).doesNotContain("charset.unknown");
    }

    @Test
    void unwrapsFlowedTextAndKeepsQuoteDepth() throws Exception {
        String mail = "Content-Type: text/plain; charset=utf-8; format=flowed\r\n\r\n"
            + "This is a soft \r\nbroken line.\r\n \r\n>> Deep quote that \r\n>> flows on.\r\n> Shallow \r\n"
            + ">> depth change ends it\r\n From stuffed\r\n-- \r\nSig\r\n";
        assertThat(MessageParserTest.parse(parser, mail).get("text").asText()).isEqualTo(
            "This is a soft broken line.\n\n>> Deep quote that flows on.\n> Shallow \n>> depth change ends it\n"
                + "From stuffed\n-- \nSig\n");

        // a real flowed reply (Roundcube, quoted-printable): soft breaks joined, the space kept (DelSp=no)
        String text = corpus("stalwart-mail-parser/eml/thirdparty/015.eml").get("text").asText();
        assertThat(text).contains("Hab da mals recherchiert klingt nach komischen \"Einschätzugen\" - Encoding Sachen");
        assertThat(text).doesNotContain("klingt \n");
    }

    @Test
    void delSpDeletesTheSpaceOfASoftBreak() {
        // MimeKit issue1130.txt: DelSp=yes, and the sender put its soft-break spaces between words (quoted-printable
        // "=20"), so RFC 3676 joins "i=\r\ns=20\r\na" into "isa"; what the sender asked for, not what it meant
        JsonNode document = corpus("mimekit/messages/issue1130.txt");
        assertThat(document.get("text").asText()).isEqualTo("We should have access, and apparently did a few months ago, "
            + "but now there isa \"You do not currently have access to this content.\" at the bottom of therecord\n\n"
            + "The URL in question URL:\nhttps://example.com/");
        assertThat(FlowedText.unflow("split wo \nrd\n", true)).isEqualTo("split word\n");
    }

    @Test
    void reportsMessagePartialFragments() throws Exception {
        JsonNode first = corpus("mimekit/partial/rfc2046.0.eml");
        assertThat(first.get("partial").toString()).isEqualTo("{\"id\":\"ABC@host.com\",\"number\":1,\"total\":2}");
        assertThat(first.get("attachments").get(0).get("contentType").asText()).isEqualTo("message/partial");
        assertThat(first.get("attachments").get(0).get("partial").get("number").asInt()).isEqualTo(1);
        assertThat(first.get("attachments").get(0).has("message")).isFalse();
        assertThat(first.get("parse").get("warnings").toString()).contains("message.partial");

        JsonNode second = corpus("mimekit/partial/rfc2046.1.eml");
        assertThat(second.get("partial").toString()).isEqualTo("{\"id\":\"ABC@host.com\",\"number\":2,\"total\":2}");

        // a fragment inside a multipart (Dovecot's set): on the attachment only
        JsonNode nested = corpus("stalwart-mail-parser/eml/thirdparty/009.eml");
        assertThat(nested.has("partial")).isFalse();
        JsonNode fragment = nested.get("attachments").get(0);
        assertThat(fragment.get("partial").toString()).isEqualTo("{\"id\":\"heks68ewe@example.org\",\"number\":1,\"total\":5}");
    }

    /** Fragment 1 of 1 is the whole message: the reassembled RFC 2046 example, sent as one fragment, is parsed. */
    @Test
    void parsesAFragmentThatIsTheWholeMessage() throws Exception {
        ByteArrayOutputStream mail = new ByteArrayOutputStream();
        mail.write(("From: Bill@host.com\r\nSubject: Audio mail (part 1 of 1)\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: message/partial; id=\"ABC@host.com\"; number=1; total=1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        mail.write(Files.readAllBytes(MimeCorpus.root().resolve("mimekit/partial/rfc2046.eml")));
        JsonNode document = MessageParserTest.parse(parser, mail.toByteArray());

        assertThat(document.get("partial").get("total").asInt()).isEqualTo(1);
        JsonNode enclosed = document.get("attachments").get(0).get("message");
        assertThat(enclosed.get("subject").asText()).isEqualTo("Audio mail");
        assertThat(enclosed.get("messageId").asText()).isEqualTo("anotherid@foo.com");
        assertThat(enclosed.get("attachments").get(0).get("contentType").asText()).isEqualTo("audio/basic");
        assertThat(document.get("parse").get("warnings").toString()).doesNotContain("message.partial");
    }
}
