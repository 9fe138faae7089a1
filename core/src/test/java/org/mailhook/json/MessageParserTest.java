package org.mailhook.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class MessageParserTest {
    static final Instant RECEIVED = Instant.parse("2026-11-29T07:00:00Z");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final MessageParser parser = new MessageParser(ParseOptions.defaults());

    static final String REPLY = """
        From: "Doe, Jane" <jane@example.com> (work)\r
        To: Team: anna@example.com, =?ISO-8859-1?Q?Bj=F6rn?= <bjorn@example.com>;, boss@example.com\r
        Subject: =?UTF-8?B?UmU6IMOcYmVyc2ljaHQ=?=\r
        In-Reply-To: <orig@example.com>\r
        References: <root@example.com>\r
         <orig@example.com>\r
        Date: not a date\r
        MIME-Version: 1.0\r
        Content-Type: multipart/alternative; boundary=alt\r
        \r
        --alt\r
        Content-Type: text/plain; charset=iso-8859-1\r
        Content-Transfer-Encoding: quoted-printable\r
        \r
        Gr=FC=DFe, passt.\r
        \r
        On Sat, 28 Nov 2026 at 10:00, Anna <anna@example.com> wrote:\r
        > Passt das?\r
        --alt\r
        Content-Type: text/html; charset=utf-8\r
        \r
        <p>Gr\u00fc\u00dfe, passt.</p>\r
        --alt--\r
        """;

    static JsonNode parse(MessageParser parser, String mail) throws Exception {
        return parse(parser, mail.getBytes(StandardCharsets.UTF_8));
    }

    static JsonNode parse(MessageParser parser, byte[] mail) throws Exception {
        ParsedMessage parsed = parser.parse(new ByteArrayInputStream(mail), Envelope.none(), RECEIVED, Map.of());
        assertThat(MessageSchema.errors(parsed.json())).isEmpty();
        return MAPPER.readTree(parsed.json());
    }

    @Test
    void decodesHeadersAddressesGroupsAndBodies() throws Exception {
        JsonNode document = parse(parser, REPLY);

        assertThat(document.get("subject").asText()).isEqualTo("Re: Übersicht");
        assertThat(document.get("from").get(0).get("name").asText()).isEqualTo("Doe, Jane");
        assertThat(document.get("from").get(0).get("address").asText()).isEqualTo("jane@example.com");
        JsonNode to = document.get("to");
        assertThat(to).hasSize(3);
        assertThat(to.get(1).get("name").asText()).isEqualTo("Björn");
        assertThat(to.get(1).get("group").asText()).isEqualTo("Team");
        assertThat(to.get(2).has("group")).isFalse();
        assertThat(document.get("inReplyTo").asText()).isEqualTo("orig@example.com");
        assertThat(document.get("references")).extracting(JsonNode::asText).containsExactly("root@example.com", "orig@example.com");
        assertThat(document.get("date").isNull()).isTrue();
        assertThat(document.get("parse").get("warnings").toString()).contains("date.unparseable");
        assertThat(document.get("text").asText()).startsWith("Grüße, passt.");
        assertThat(document.get("html").asText()).contains("<p>Grüße, passt.</p>");
        assertThat(document.get("strippedText").asText()).isEqualTo("Grüße, passt.");
        JsonNode references = document.get("headers").get(4);
        assertThat(references.get("name").asText()).isEqualTo("References");
        assertThat(references.get("raw").asText()).isEqualTo("<root@example.com>\r\n <orig@example.com>");
        assertThat(references.get("value").asText()).isEqualTo("<root@example.com> <orig@example.com>");
    }

    @Test
    void idIsStableAcrossRelaysAndLineEndingsButFollowsContent() throws Exception {
        String relayed = "Received: from relay.example.net by mx.example.org; Sun, 29 Nov 2026 07:00:00 +0000\r\n"
            + "Return-Path: <bounce@example.com>\r\nDKIM-Signature: v=1; d=example.net; b=abc\r\n"
            + "X-Spam-Status: No\r\n" + REPLY;
        String bareLf = REPLY.replace("\r\n", "\n");
        String changed = REPLY.replace("passt.", "passt nicht.");
        String id = parser.parse(new ByteArrayInputStream(REPLY.getBytes(StandardCharsets.UTF_8)), Envelope.none(), RECEIVED,
            Map.of()).id();

        assertThat(id).matches("mh1_[0-9a-f]{32}");
        for (String same : List.of(relayed, bareLf)) {
            assertThat(parse(parser, same).get("id").asText()).isEqualTo(id);
        }
        assertThat(parse(parser, changed).get("id").asText()).isNotEqualTo(id);
        assertThat(parse(parser, REPLY.replace("Team:", "Staff:")).get("id").asText()).isNotEqualTo(id);
    }

    @Test
    void decodesRfc2231FilenamesAndKeepsLargeAttachmentsOutOfTheDocument() throws Exception {
        String mail = """
            From: a@example.com\r
            Content-Type: multipart/mixed; boundary=b\r
            \r
            --b\r
            Content-Type: text/plain\r
            \r
            see attached\r
            --b\r
            Content-Type: application/octet-stream\r
            Content-Disposition: attachment;\r
             filename*0*=UTF-8''%E2%82%AC%20rate;\r
             filename*1=" 2026.txt"\r
            Content-Transfer-Encoding: base64\r
            \r
            AAECAwQFBgcICQ==\r
            --b--\r
            """;
        JsonNode small = parse(parser, mail).get("attachments").get(0);
        JsonNode large = parse(new MessageParser(ParseOptions.defaults().withAttachmentInlineBytes(4)), mail)
            .get("attachments").get(0);

        assertThat(small.get("filename").asText()).isEqualTo("€ rate 2026.txt");
        assertThat(small.get("partId").asText()).isEqualTo("2");
        assertThat(small.get("size").asInt()).isEqualTo(10);
        assertThat(small.get("content").asText()).isEqualTo("AAECAwQFBgcICQ==");
        assertThat(small.get("sha256").asText()).isEqualTo("1f825aa2f0020ef7cf91dfa30da4668d791c5d4824fc8e41354b89ec05795ab3");
        assertThat(large.has("content")).isFalse();
        assertThat(large.get("contentRef").asText()).isEqualTo("attachments/2");
        assertThat(large.get("sha256").asText()).isEqualTo(small.get("sha256").asText());
    }

    @Test
    void garbageGivesADocumentNotAnException() throws Exception {
        byte[] garbage = new byte[4096];
        new java.util.Random(7).nextBytes(garbage);
        JsonNode document = parse(parser, garbage);

        assertThat(document.get("raw").get("size").asInt()).isEqualTo(4096);
    }

    @Test
    void htmlBesidePlainPartsAddsItsTextWhereNoPlainAlternativeSaysIt() throws Exception {
        String mail = """
            Content-Type: multipart/mixed; boundary=mix\r
            \r
            --mix\r
            Content-Type: multipart/alternative; boundary=alt\r
            \r
            --alt\r
            Content-Type: text/plain\r
            \r
            Intro\r
            --alt\r
            Content-Type: text/html\r
            \r
            <p>Intro as HTML</p>\r
            --alt--\r
            --mix\r
            Content-Type: text/html\r
            \r
            <p>Page 3</p><p></p>\r
            --mix\r
            Content-Type: text/html\r
            \r
            <p> </p>\r
            --mix\r
            Content-Type: text/plain\r
            \r
            Outro\r
            --mix--\r
            """;
        JsonNode document = parse(parser, mail);

        // the alternative's plain part speaks for it; the lone HTML parts give their text (the empty one none)
        assertThat(document.get("text").asText()).isEqualTo("Intro\nPage 3\nOutro");
        assertThat(document.get("html").asText()).contains("Intro as HTML", "Page 3");
    }
}
