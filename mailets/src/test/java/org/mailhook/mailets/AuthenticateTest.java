package org.mailhook.mailets;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;
import org.mailhook.dns.JsonFileResolver;
import org.mailhook.testing.Corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

class AuthenticateTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void addsResultsRemovesForgeriesAndStoresTheJson() throws Exception {
        ObjectNode zone = (ObjectNode) MAPPER.readTree(Files.readAllBytes(Corpus.path("auth/dkim/rfc8463-mailauth/dns.json")));
        zone.putObject("_dmarc.football.example.com").putArray("TXT").add("v=DMARC1; p=reject");
        ((ObjectNode) zone.get("football.example.com")).putArray("TXT").add("v=spf1 ip4:192.0.2.0/24 -all");
        Authenticate mailet = new Authenticate(new JsonFileResolver(zone), new PipelineSteps());
        mailet.init(FakeMailetConfig.builder().mailetName("Authenticate")
            .setProperty("authservId", "mx.example.net")
            .setProperty("trustedArcSealers", "lists.example.org, forwarder.example")
            .setProperty("dnsTimeoutMillis", "2000").build());

        String original = Files.readString(Corpus.path("auth/dkim/rfc8463-mailauth/signed.eml"), StandardCharsets.ISO_8859_1);
        String received = "Authentication-Results: mx.example.net; dmarc=pass header.from=football.example.com\n"
            + "Authentication-Results: other.example; spf=pass\n" + original;
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()),
            new ByteArrayInputStream(received.getBytes(StandardCharsets.ISO_8859_1)));
        Mail mail = FakeMail.builder().name("m1").mimeMessage(message).sender("joe@football.example.com")
            .recipient("suzie@shopping.example.net").remoteAddr("192.0.2.7").remoteHost("mail.football.example.com")
            .attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("mail.football.example.com"))).build();

        mailet.service(mail);

        List<String> lines = Collections.list(mail.getMessage().getAllHeaderLines());
        assertThat(lines.get(0)).startsWith("Authentication-Results: mx.example.net;").contains("dmarc=pass");
        assertThat(mail.getMessage().getHeader("Authentication-Results")).hasSize(2);
        assertThat(lines).anyMatch(l -> l.startsWith("Authentication-Results: other.example;"))
            .noneMatch(l -> l.equals("Authentication-Results: mx.example.net; dmarc=pass header.from=football.example.com"));
        assertThat(lines.get(lines.size() - 1)).startsWith("Message-ID:");

        String json = mail.getAttribute(MailAttributes.AUTH).orElseThrow().getValue().valueAs(String.class)
            .orElseThrow();
        JsonNode auth = MAPPER.readTree(json);
        assertThat(auth.at("/spf/result").asText()).isEqualTo("pass");
        assertThat(auth.at("/dkim/0/result").asText()).isEqualTo("pass");
        assertThat(auth.at("/dkim/1/result").asText()).isEqualTo("pass");
        assertThat(auth.at("/dmarc/result").asText()).isEqualTo("pass");
        assertThat(auth.at("/arc/result").asText()).isEqualTo("none");
        assertThat(auth.get("authenticationResults").asText()).startsWith("mx.example.net;");
        assertThat(java.time.Instant.parse(auth.get("checkedAt").asText())).isBeforeOrEqualTo(java.time.Instant.now());
    }

    @Test
    void malformedMimeIsAuthenticatedAndKeptByteForByte() throws Exception {
        Authenticate mailet = new Authenticate(new JsonFileResolver(MAPPER.createObjectNode()), new PipelineSteps());
        mailet.init(FakeMailetConfig.builder().mailetName("Authenticate").setProperty("authservId", "mx").build());
        // JavaMail throws on each of these once asked to re-serialize: no start boundary, an empty parameter.
        byte[] received = ("From: a@example.com\r\nSubject: broken\r\nContent-Type: multipart/mixed; boundary=\"b\"; name=\r\n"
            + "\r\nno boundary line at all\r\n\u00e9\r\n").getBytes(StandardCharsets.ISO_8859_1);
        Mail mail = FakeMail.builder().name("m3").mimeMessage(new MimeMessage(Session.getInstance(new Properties()),
            new ByteArrayInputStream(received))).sender("a@example.com").recipient("b@example.net").remoteAddr("192.0.2.1").build();

        mailet.service(mail);

        java.io.ByteArrayOutputStream stored = new java.io.ByteArrayOutputStream();
        org.apache.james.server.core.MimeMessageUtil.writeTo(mail.getMessage(), stored, stored);
        String text = stored.toString(StandardCharsets.ISO_8859_1);
        assertThat(text).startsWith("Authentication-Results: mx;");
        assertThat(text.substring(text.indexOf("From: a@example.com"))).isEqualTo(new String(received, StandardCharsets.ISO_8859_1));
    }

    @Test
    void malformedMimeWhoseHeaderJamesChangedInPlaceIsStillRead() throws Exception {
        Authenticate mailet = new Authenticate(new JsonFileResolver(MAPPER.createObjectNode()), new PipelineSteps());
        mailet.init(FakeMailetConfig.builder().mailetName("Authenticate").setProperty("authservId", "mx").build());
        byte[] received = ("From: a@example.com\r\nBcc: hidden@example.net\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n"
            + "\r\nno boundary line at all\r\n").getBytes(StandardCharsets.ISO_8859_1);
        MimeMessage message = new org.apache.james.server.core.MimeMessageWrapper(
            org.apache.james.server.core.MimeMessageInputStreamSource.create("m4", new ByteArrayInputStream(received)));
        // What James' RemoveMimeHeader does in the transport processor: JavaMail can no longer write this message.
        message.removeHeader("Bcc");
        Mail mail = FakeMail.builder().name("m4").mimeMessage(message).sender("a@example.com").recipient("b@example.net")
            .remoteAddr("192.0.2.1").build();

        mailet.service(mail);

        java.io.ByteArrayOutputStream stored = new java.io.ByteArrayOutputStream();
        mail.getMessage().writeTo(stored);
        assertThat(stored.toString(StandardCharsets.ISO_8859_1)).startsWith("Authentication-Results: mx;")
            .doesNotContain("hidden@example.net").endsWith("\r\n\r\nno boundary line at all\r\n");
    }

    @Test
    void unreadableClientAddressGivesSpfNone() throws Exception {
        ObjectNode zone = MAPPER.createObjectNode();
        Authenticate mailet = new Authenticate(new JsonFileResolver(zone), new PipelineSteps());
        mailet.init(FakeMailetConfig.builder().mailetName("Authenticate").setProperty("authservId", "mx").build());
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(
            "From: a@example.com\r\nSubject: x\r\n\r\nhi\r\n".getBytes(StandardCharsets.ISO_8859_1)));
        Mail mail = FakeMail.builder().name("m2").mimeMessage(message).sender("a@example.com")
            .recipient("b@example.net").remoteAddr("not-an-ip").build();

        mailet.service(mail);

        JsonNode auth = MAPPER.readTree(mail.getAttribute(MailAttributes.AUTH).orElseThrow().getValue()
            .valueAs(String.class).orElseThrow());
        assertThat(auth.at("/spf/result").asText()).isEqualTo("none");
        assertThat(auth.at("/dmarc/result").asText()).isEqualTo("none");
        assertThat(auth.get("dkim")).isEmpty();
    }

    @Test
    void badTimeoutIsAConfigurationError() {
        Authenticate mailet = new Authenticate(new JsonFileResolver(MAPPER.createObjectNode()), new PipelineSteps());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> mailet.init(FakeMailetConfig.builder()
                .mailetName("Authenticate").setProperty("dnsTimeoutMillis", "5s").build()))
            .isInstanceOf(javax.mail.MessagingException.class).hasMessageContaining("dnsTimeoutMillis");
    }
}
