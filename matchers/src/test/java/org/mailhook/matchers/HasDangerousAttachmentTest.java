package org.mailhook.matchers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import javax.mail.MessagingException;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.Test;
import org.mailhook.attachments.AttachmentPolicy;
import org.mailhook.attachments.ContentClassifier;
import org.mailhook.attachments.MessageScanner;
import org.mailhook.attachments.Verdict;
import org.mailhook.mailets.MailAttributes;

class HasDangerousAttachmentTest {
    private static final byte[] PE = {'M', 'Z', 0, 0};
    private static final byte[] RAR = {'R', 'a', 'r', '!', 0x1A, 0x07, 0x01, 0x00};

    private static HasDangerousAttachment matcher(String condition) throws MessagingException {
        HasDangerousAttachment matcher = new HasDangerousAttachment();
        matcher.init(FakeMatcherConfig.builder().matcherName("HasDangerousAttachment").condition(condition).build());
        return matcher;
    }

    /** A real report from the engine, as QuarantineAttachments would set it. */
    private static String report(String filename, byte[] content, boolean released) {
        String mime = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\n"
            + "Content-Type: application/octet-stream; name=\"" + filename + "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + java.util.Base64.getEncoder().encodeToString(content) + "\r\n--b--\r\n";
        return new MessageScanner(new ContentClassifier(AttachmentPolicy.defaults())).scan(mime.getBytes())
            .toJson(Map.of(Verdict.DANGEROUS, "stripped"), Map.of("released", released));
    }

    private static Mail mail(String security) throws MessagingException {
        FakeMail.Builder mail = FakeMail.builder().name("m").recipients("a@example.org", "b@example.org");
        if (security != null) {
            mail.attribute(new Attribute(MailAttributes.SECURITY, AttributeValue.of(security)));
        }
        return mail.build();
    }

    @Test
    void matchesDangerousVerdictWithoutCondition() throws Exception {
        assertThat(matcher(null).match(mail(report("setup.exe", PE, false)))).hasSize(2);
        assertThat(matcher(null).match(mail(report("files.rar", RAR, false)))).isEmpty();
        assertThat(matcher(null).match(mail(report("notes.txt", "hello".getBytes(), false)))).isEmpty();
        assertThat(matcher(null).match(mail(null))).isEmpty();
        assertThat(matcher(null).match(mail("garbage"))).isEmpty();
    }

    @Test
    void conditionSelectsReasonsOfAnyVerdict() throws Exception {
        assertThat(matcher("virus,executable").match(mail(report("setup.exe", PE, false)))).hasSize(2);
        assertThat(matcher("office-macro").match(mail(report("setup.exe", PE, false)))).isEmpty();
        assertThat(matcher("archive-uninspectable").match(mail(report("files.rar", RAR, false)))).hasSize(2);
    }

    @Test
    void releasedMailNeverMatches() throws Exception {
        assertThat(matcher(null).match(mail(report("setup.exe", PE, true)))).isEmpty();
    }

    @Test
    void unknownReasonIsAConfigurationError() {
        assertThatThrownBy(() -> matcher("executable,evil")).isInstanceOf(MessagingException.class).hasMessageContaining("evil");
    }
}
