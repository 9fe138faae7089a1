package org.mailhook.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

/** The mailet against a local HTTP server that answers as Rspamd 3.4 does. */
class ScoreSpamTest {
    private static final String REJECT = "{\"is_skipped\":true,\"score\":15.0,\"required_score\":15.0,\"action\":\"reject\","
        + "\"symbols\":{\"GTUBE\":{\"name\":\"GTUBE\",\"score\":0.0,\"metric_score\":0.0}},\"messages\":{\"smtp_message\":\"Gtube pattern\"}}";

    private final ObjectMapper mapper = new ObjectMapper();
    private final List<String> requests = new ArrayList<>();
    private HttpServer rspamd;

    @BeforeEach
    void startRspamd() throws Exception {
        rspamd = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        rspamd.createContext("/checkv2", exchange -> {
            requests.add(exchange.getRequestHeaders().getFirst("Queue-Id") + " " + exchange.getRequestHeaders().get("Rcpt")
                + " " + exchange.getRequestHeaders().getFirst("IP") + " " + exchange.getRequestHeaders().getFirst("Helo")
                + " " + exchange.getRequestHeaders().getFirst("Hostname"));
            exchange.getRequestBody().readAllBytes();
            byte[] body = REJECT.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Server", "rspamd/3.4");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        rspamd.start();
    }

    @AfterEach
    void stopRspamd() {
        rspamd.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + rspamd.getAddress().getPort();
    }

    private static ScoreSpam mailet(String... parameters) throws MessagingException {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("ScoreSpam");
        for (int i = 0; i < parameters.length; i += 2) {
            config.setProperty(parameters[i], parameters[i + 1]);
        }
        ScoreSpam mailet = new ScoreSpam(new PipelineSteps());
        mailet.init(config.build());
        return mailet;
    }

    private static Mail mail() throws MessagingException {
        return FakeMail.builder().name("mail-7")
            .mimeMessage(new MimeMessage(Session.getDefaultInstance(new Properties()), new ByteArrayInputStream(
                "From: a@sender.example\r\nSubject: hi\r\n\r\nHello.\r\n".getBytes(StandardCharsets.US_ASCII))))
            .sender("a@sender.example").recipients("x@inbound.example", "y@inbound.example")
            .remoteAddr("192.0.2.7").remoteHost("192.0.2.7")
            .attribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("mx.sender.example")))
            .build();
    }

    @Test
    void storesRspamdsVerdictForTheDocumentAndForMatchers() throws Exception {
        Mail mail = mail();
        mailet("url", url()).service(mail);

        assertThat(requests).containsExactly("mail-7 [x@inbound.example, y@inbound.example] 192.0.2.7 mx.sender.example null");
        assertThat(MailAttributes.string(mail, MailAttributes.SPAM_STATUS)).contains("scored");
        assertThat(MailAttributes.string(mail, MailAttributes.SPAM_ACTION)).contains("reject");
        assertThat(MailAttributes.string(mail, MailAttributes.SPAM_SCORE)).contains("15.0");
        JsonNode spam = mapper.readTree(MailAttributes.string(mail, MailAttributes.SPAM).orElseThrow());
        assertThat(spam.path("action").asText()).isEqualTo("reject");
        assertThat(spam.path("version").asText()).isEqualTo("3.4");
        assertThat(spam.at("/symbols/0/name").asText()).isEqualTo("GTUBE");
    }

    @Test
    void rspamdDownDeliversTheMailMarkedUnavailableNeverClean() throws Exception {
        String url = url();
        rspamd.stop(0);
        Mail mail = mail();
        mailet("url", url, "timeout", "2s").service(mail);

        assertThat(mail.getState()).as("the mail continues").isNotEqualTo(Mail.GHOST);
        assertThat(MailAttributes.string(mail, MailAttributes.SPAM_STATUS)).contains("unavailable");
        assertThat(MailAttributes.string(mail, MailAttributes.SPAM_ACTION)).isEmpty();
        assertThat(MailAttributes.string(mail, MailAttributes.SPAM_SCORE)).isEmpty();
        JsonNode spam = mapper.readTree(MailAttributes.string(mail, MailAttributes.SPAM).orElseThrow());
        assertThat(spam.path("status").asText()).isEqualTo("unavailable");
        assertThat(spam.path("score").isNull()).isTrue();
        assertThat(spam.path("reason").asText()).contains(url.substring("http://".length()));
        assertThat(java.time.Instant.parse(spam.path("checkedAt").asText())).isBeforeOrEqualTo(java.time.Instant.now());
    }

    @Test
    void aVerdictGivenAtSmtpTimeIsReusedNotAskedAgain() throws Exception {
        Mail mail = mail();
        ScoreSpam.record(mail, org.mailhook.spam.SpamVerdict.scored("rspamd", "3.4", 1.5, 15, org.mailhook.spam.SpamAction.NO_ACTION, List.of()));
        mailet("url", url()).service(mail);

        assertThat(requests).as("Rspamd not asked twice").isEmpty();
        assertThat(MailAttributes.string(mail, MailAttributes.SPAM_ACTION)).contains("no action");
        assertThat(MailAttributes.string(mail, MailAttributes.SPAM_SCORE)).contains("1.5");
    }

    @Test
    void offSetsNothingSoTheDocumentSaysNotScanned() throws Exception {
        Mail mail = mail();
        mailet("url", url(), "enabled", "false").service(mail);

        assertThat(requests).isEmpty();
        assertThat(mail.getAttribute(MailAttributes.SPAM)).isEmpty();
        assertThat(mail.getAttribute(MailAttributes.SPAM_STATUS)).isEmpty();
    }

    @Test
    void tempfailIsRefusedWithTheReason() {
        assertThatThrownBy(() -> mailet("whenUnavailable", "tempfail")).isInstanceOf(MessagingException.class)
            .hasMessageContaining("ScoreSpam: <whenUnavailable>").hasMessageContaining("250");
        assertThatThrownBy(() -> mailet("whenUnavailable", "drop")).isInstanceOf(MessagingException.class)
            .hasMessageContaining("ScoreSpam: <whenUnavailable>: 'drop' is not deliver");
        assertThatThrownBy(() -> mailet("timeout", "soon")).isInstanceOf(MessagingException.class)
            .hasMessageContaining("timeout");
        assertThatThrownBy(() -> mailet("url", "localhost")).isInstanceOf(MessagingException.class)
            .hasMessageContaining("ScoreSpam: <url>: 'localhost'");
    }
}
