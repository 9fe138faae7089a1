package org.mailhook.matchers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import javax.mail.MessagingException;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.Test;
import org.mailhook.json.Envelope;
import org.mailhook.json.MessageParser;
import org.mailhook.json.ParseOptions;
import org.mailhook.mailets.MailAttributes;

class IsReportTest {
    /** A DMARC failure report in the shape LinkedIn sends (RFC 6591). */
    private static final String FAILURE_REPORT = """
        From: dmarc-noreply@linkedin.com
        To: dmarc@example.com
        Subject: DMARC failure report
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=feedback-report; boundary=b

        --b
        Content-Type: text/plain

        A message did not meet the sending domain's DMARC policy.
        --b
        Content-Type: message/feedback-report

        Feedback-Type: auth-failure
        User-Agent: Lua/1.0
        Version: 1.0
        Source-IP: 192.0.2.1
        Reported-Domain: example.com

        --b--
        """;

    private static IsReport matcher(String condition) throws MessagingException {
        IsReport matcher = new IsReport();
        matcher.init(FakeMatcherConfig.builder().matcherName("IsReport").condition(condition).build());
        return matcher;
    }

    /** The summary ToJson would set for this mail, from the real parser. */
    private static String summary(String mail) {
        return new MessageParser(ParseOptions.defaults()).parse(new ByteArrayInputStream(mail.getBytes(StandardCharsets.UTF_8)),
            Envelope.none(), Instant.EPOCH, Map.of()).summaryJson();
    }

    private static Mail mail(String summary) throws MessagingException {
        FakeMail.Builder mail = FakeMail.builder().name("m").recipients("dmarc@example.com", "b@example.com");
        if (summary != null) {
            mail.attribute(new Attribute(MailAttributes.SUMMARY, AttributeValue.of(summary)));
        }
        return mail.build();
    }

    @Test
    void matchesMailThatCarriesAReport() throws Exception {
        assertThat(matcher(null).match(mail(summary(FAILURE_REPORT)))).hasSize(2);
        assertThat(matcher(null).match(mail(summary("Subject: hello\n\nno report here\n")))).isEmpty();
        assertThat(matcher(null).match(mail(null))).isEmpty();
        assertThat(matcher(null).match(mail("garbage"))).isEmpty();
    }

    @Test
    void conditionSelectsKinds() throws Exception {
        assertThat(matcher("dmarc-failure").match(mail(summary(FAILURE_REPORT)))).hasSize(2);
        assertThat(matcher("dmarc-aggregate, tls-rpt").match(mail(summary(FAILURE_REPORT)))).isEmpty();
    }

    @Test
    void unknownKindFailsInit() {
        assertThatThrownBy(() -> matcher("dmarc")).isInstanceOf(MessagingException.class)
            .hasMessageContaining("unknown report kind 'dmarc'");
    }
}
