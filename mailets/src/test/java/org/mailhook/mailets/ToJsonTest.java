package org.mailhook.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import java.util.ArrayList;
import java.util.List;

import javax.mail.MessagingException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mailhook.json.MessageSchema;

class ToJsonTest {
    private static final Instant NOW = Instant.parse("2026-11-29T07:00:00Z");
    private static final String MAIL = """
        Received: from mx.example.net by mx.example.org; Sun, 29 Nov 2026 06:59:58 +0000\r
        From: =?UTF-8?Q?J=C3=BCrgen?= <juergen@example.net>\r
        To: support@example.org\r
        Subject: Invoice 42\r
        Message-ID: <abc@example.net>\r
        Date: Sun, 29 Nov 2026 07:59:00 +0100\r
        MIME-Version: 1.0\r
        Content-Type: multipart/mixed; boundary="b1"\r
        \r
        --b1\r
        Content-Type: text/plain; charset=utf-8\r
        \r
        Please pay.\r
        --b1\r
        Content-Type: application/pdf; name="invoice.pdf"\r
        Content-Disposition: attachment; filename="invoice.pdf"\r
        Content-Transfer-Encoding: base64\r
        \r
        JVBERi0xLjQK\r
        --b1--\r
        """;

    private final ObjectMapper mapper = new ObjectMapper();
    private final List<MimeMessageWrapper> messages = new ArrayList<>();

    @AfterEach
    void releaseMessages() {
        messages.forEach(LifecycleUtil::dispose);
    }

    private Mail mail(Attribute... attributes) throws Exception {
        MimeMessageWrapper message = new MimeMessageWrapper(MimeMessageInputStreamSource.create("m1",
            new ByteArrayInputStream(MAIL.getBytes(StandardCharsets.UTF_8))));
        messages.add(message);
        FakeMail.Builder builder = FakeMail.builder().name("m1").mimeMessage(message)
            .sender("bounce@example.net").recipients("support@example.org", "billing@example.org")
            .remoteAddr("192.0.2.10").remoteHost("mx.example.net")
            .attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("mx.example.net")));
        for (Attribute attribute : attributes) {
            builder.attribute(attribute);
        }
        return builder.build();
    }

    private static ToJson mailet(String... parameters) throws MessagingException {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("ToJson");
        for (int i = 0; i < parameters.length; i += 2) {
            config.setProperty(parameters[i], parameters[i + 1]);
        }
        ToJson mailet = new ToJson(Clock.fixed(NOW, ZoneOffset.UTC), new PipelineSteps());
        mailet.init(config.build());
        return mailet;
    }

    private JsonNode json(Mail mail) throws Exception {
        String text = (String) mail.getAttribute(MailAttributes.JSON).orElseThrow().getValue().getValue();
        JsonNode document = mapper.readTree(text);
        assertThat(MessageSchema.errors(document)).isEmpty();
        return document;
    }

    @Test
    void storesTheDocumentAndTheIdWithTheEnvelopeFromTheMail() throws Exception {
        Mail mail = mail();
        mailet().service(mail);

        JsonNode document = json(mail);
        assertThat(document.get("schema").asText()).isEqualTo("mailhook.message.v1");
        assertThat(document.get("receivedAt").asText()).isEqualTo("2026-11-29T07:00:00Z");
        assertThat(mail.getAttribute(MailAttributes.ID).orElseThrow().getValue().getValue()).isEqualTo(document.get("id").asText());
        JsonNode envelope = document.get("envelope");
        assertThat(envelope.get("mailFrom").asText()).isEqualTo("bounce@example.net");
        assertThat(envelope.get("rcptTo")).extracting(JsonNode::asText)
            .containsExactly("support@example.org", "billing@example.org");
        assertThat(envelope.get("remoteAddress").asText()).isEqualTo("192.0.2.10");
        assertThat(envelope.get("remoteHost").asText()).isEqualTo("mx.example.net");
        assertThat(envelope.get("helo").asText()).isEqualTo("mx.example.net");
        assertThat(document.get("from").get(0).get("name").asText()).isEqualTo("Jürgen");
        assertThat(document.get("subject").asText()).isEqualTo("Invoice 42");
        assertThat(document.get("text").asText()).isEqualTo("Please pay.");
        JsonNode attachment = document.get("attachments").get(0);
        assertThat(attachment.get("filename").asText()).isEqualTo("invoice.pdf");
        assertThat(attachment.get("size").asLong()).isEqualTo(9);
        assertThat(document.get("raw").get("size").asLong()).isEqualTo(MAIL.getBytes(StandardCharsets.UTF_8).length);
        JsonNode summary = mapper.readTree((String) mail.getAttribute(MailAttributes.SUMMARY).orElseThrow().getValue().getValue());
        assertThat(summary.get("id").asText()).isEqualTo(document.get("id").asText());
        assertThat(summary.get("messageId").asText()).isEqualTo("abc@example.net");
        assertThat(summary.get("from").asText()).isEqualTo("juergen@example.net");
        assertThat(summary.get("attachmentCount").asInt()).isEqualTo(1);
        assertThat(summary.get("errorCount").asInt()).isZero();
    }

    @Test
    void embedsAuthAndSecurityAttributes() throws Exception {
        Mail mail = mail(new Attribute(MailAttributes.AUTH, AttributeValue.of("{\"dmarc\":{\"result\":\"pass\"}}")),
            new Attribute(MailAttributes.SECURITY, AttributeValue.of("{\"verdict\":\"clean\"}")));
        mailet().service(mail);

        JsonNode document = json(mail);
        assertThat(document.get("auth").get("dmarc").get("result").asText()).isEqualTo("pass");
        assertThat(document.get("security").get("verdict").asText()).isEqualTo("clean");
    }

    @Test
    void spamIsNullWithoutScoreSpamAndEmbeddedWithIt() throws Exception {
        Mail plain = mail();
        mailet().service(plain);
        assertThat(json(plain).has("spam")).isTrue();
        assertThat(json(plain).get("spam").isNull()).as("not scanned, distinct from clean").isTrue();

        Mail scored = mail(new Attribute(MailAttributes.SPAM, AttributeValue.of("{\"status\":\"scored\",\"scanner\":\"rspamd\","
            + "\"version\":\"3.4\",\"score\":15.0,\"requiredScore\":15.0,\"action\":\"reject\","
            + "\"symbols\":[{\"name\":\"GTUBE\",\"score\":0.0,\"options\":[]}],\"reason\":null}")));
        mailet().service(scored);
        assertThat(json(scored).at("/spam/action").asText()).isEqualTo("reject");
        assertThat(json(scored).at("/spam/symbols/0/name").asText()).isEqualTo("GTUBE");
    }

    @Test
    void attachmentInlineLimitIsAnInitParameter() throws Exception {
        Mail mail = mail();
        mailet("attachmentInlineBytes", "4").service(mail);

        JsonNode attachment = json(mail).get("attachments").get(0);
        assertThat(attachment.has("content")).isFalse();
        assertThat(attachment.get("contentRef").asText()).isEqualTo("attachments/2");
    }

    @Test
    void rejectsABadInitParameter() {
        assertThatThrownBy(() -> mailet("maxParts", "many")).isInstanceOf(MessagingException.class)
            .hasMessageContaining("maxParts");
        assertThatThrownBy(() -> mailet("maxHeaderBytes", "10")).isInstanceOf(MessagingException.class)
            .hasMessageContaining("maxHeaderBytes");
    }
}
