package org.mailhook.attachments;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Message;
import org.junit.jupiter.api.Test;

class AttachmentStripperTest {

    private static byte[] body(byte[] mime, String partId) throws Exception {
        Message message = MimeParts.parse(mime);
        Entity part = MimeParts.leaves(message).get(partId);
        try (InputStream in = MimeParts.decoded(part)) {
            return in.readAllBytes();
        }
    }

    @Test
    void replacesOnlyTheNamedPartAndKeepsTheRest() throws Exception {
        byte[] pdf = Samples.plainPdf();
        byte[] mail = TestMails.mail("strip", TestMails.multipart("mixed", "b1", TestMails.textPart("Hello \u00e9t\u00e9"),
            TestMails.attachment("application/pdf", "ok.pdf", pdf),
            TestMails.attachment("application/octet-stream", "evil.exe", Samples.peExecutable())));
        byte[] stripped = AttachmentStripper.replaceParts(mail, Map.of("3", "Removed: evil.exe (blocked-extension) \u2014 kept in quarantine."));

        String text = new String(stripped, StandardCharsets.UTF_8);
        assertThat(text).startsWith("From: sender@example.com").contains("Subject: strip").contains("X-Mailhook-Quarantined: part=3");
        assertThat(body(stripped, "1")).isEqualTo(body(mail, "1"));
        assertThat(body(stripped, "2")).isEqualTo(pdf);
        assertThat(new String(body(stripped, "3"), StandardCharsets.UTF_8)).isEqualTo("Removed: evil.exe (blocked-extension) \u2014 kept in quarantine.");
        ScanReport rescanned = new MessageScanner(new ContentClassifier(AttachmentPolicy.defaults())).scan(stripped);
        assertThat(rescanned.verdict()).isEqualTo(Verdict.CLEAN);
        // javax.mail reads the result as well.
        javax.mail.internet.MimeMessage parsed = new javax.mail.internet.MimeMessage(
            javax.mail.Session.getDefaultInstance(new java.util.Properties()), new ByteArrayInputStream(stripped));
        assertThat(((javax.mail.Multipart) parsed.getContent()).getCount()).isEqualTo(3);
    }

    @Test
    void stripsInsideANestedMessageAndASinglePartMessage() throws Exception {
        String inner = "From: a@example.com\r\nSubject: inner\r\nMIME-Version: 1.0\r\n"
            + TestMails.multipart("mixed", "inner", TestMails.textPart("inner"),
                TestMails.attachment("application/x-msdownload", "a.exe", Samples.peExecutable()));
        byte[] mail = TestMails.mail("nested", TestMails.multipart("mixed", "outer", TestMails.textPart("outer"), TestMails.attachedMessage(inner)));
        byte[] stripped = AttachmentStripper.replaceParts(mail, Map.of("2.2", "removed"));
        assertThat(new String(body(stripped, "2.2"), StandardCharsets.UTF_8)).isEqualTo("removed");
        assertThat(new String(stripped, StandardCharsets.UTF_8)).contains("Subject: inner");

        byte[] single = TestMails.mail("single", "Content-Type: application/octet-stream; name=x.exe\r\nContent-Transfer-Encoding: base64\r\n\r\nTVo=\r\n");
        assertThat(new String(body(AttachmentStripper.replaceParts(single, Map.of("1", "gone")), "1"), StandardCharsets.UTF_8)).isEqualTo("gone");
    }

    @Test
    void writesTheOtherPartsBackAsTheyWereInTheMail() throws Exception {
        // a base64 body cut inside its last quantum ("RA": one byte more) and quoted-printable text
        String cut = "Content-Type: application/octet-stream; name=cut.bin\r\nContent-Transfer-Encoding: base64\r\n\r\nQUJD\r\nRA\r\n";
        String qp = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nl=C3=A0=\r\n-bas\r\n";
        byte[] mail = TestMails.mail("raw", TestMails.multipart("mixed", "b1", qp, cut,
            TestMails.attachment("application/octet-stream", "evil.exe", Samples.peExecutable())));
        byte[] stripped = AttachmentStripper.replaceParts(mail, Map.of("3", "removed"));

        String text = new String(stripped, StandardCharsets.UTF_8);
        assertThat(text).contains(qp).contains(cut);
        assertThat(body(stripped, "2")).isEqualTo("ABCD".getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(body(stripped, "1"), StandardCharsets.UTF_8)).isEqualTo("l\u00e0-bas");
        assertThat(new String(body(stripped, "3"), StandardCharsets.UTF_8)).isEqualTo("removed");
    }

    @Test
    void stripsInsideABase64EncodedAttachedMessage() throws Exception {
        String inner = "From: a@example.com\r\nSubject: inner\r\nMIME-Version: 1.0\r\n"
            + TestMails.multipart("mixed", "inner", TestMails.textPart("inner"),
                TestMails.attachment("application/x-msdownload", "a.exe", Samples.peExecutable()));
        String encoded = "Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + java.util.Base64.getMimeEncoder().encodeToString(inner.getBytes(StandardCharsets.UTF_8)) + "\r\n";
        byte[] mail = TestMails.mail("encoded", TestMails.multipart("mixed", "outer", TestMails.textPart("outer"), encoded));
        byte[] stripped = AttachmentStripper.replaceParts(mail, Map.of("2.2", "removed"));

        assertThat(new String(body(stripped, "2.2"), StandardCharsets.UTF_8)).isEqualTo("removed");
        assertThat(new String(body(stripped, "2.1"), StandardCharsets.UTF_8)).isEqualTo("inner");
        assertThat(new MessageScanner(new ContentClassifier(AttachmentPolicy.defaults())).scan(stripped).verdict()).isEqualTo(Verdict.CLEAN);
    }
}
