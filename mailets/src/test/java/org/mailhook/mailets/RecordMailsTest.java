package org.mailhook.mailets;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.Properties;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;

/** A record's message, written as bytes without JavaMail, reads back as the subject and text it was given. */
class RecordMailsTest {
    private static MimeMessage parse(byte[] bytes) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(bytes));
    }

    @Test
    void anAsciiRecordReadsBackAsItsSubjectAndText() throws Exception {
        MimeMessage message = parse(RecordMails.message("Mailhook delivered msg_2Xk9", "Acknowledged at 2026-12-07T18:00:00Z.\r\n"));

        assertThat(message.getSubject()).isEqualTo("Mailhook delivered msg_2Xk9");
        assertThat(message.getContent()).isEqualTo("Acknowledged at 2026-12-07T18:00:00Z.\r\n");
        assertThat(message.getContentType()).startsWith("text/plain");
    }

    @Test
    void aNonAsciiSubjectIsEncodedByJavaMail() throws Exception {
        MimeMessage message = parse(RecordMails.message("Mailhook instant address jürgen@inbound.example", "Managed by the API.\r\n"));

        assertThat(message.getSubject()).isEqualTo("Mailhook instant address jürgen@inbound.example");
        assertThat(message.getContent()).isEqualTo("Managed by the API.\r\n");
    }

    @Test
    void aSubjectWithALineBreakCannotAddAHeader() throws Exception {
        MimeMessage message = parse(RecordMails.message("Mailhook delivered x\r\nBcc: someone@example.org", "text\r\n"));

        assertThat(message.getHeader("Bcc")).isNull();
    }
}
