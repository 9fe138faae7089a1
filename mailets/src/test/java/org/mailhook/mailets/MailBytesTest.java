package org.mailhook.mailets;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MailBytesTest {
    // As in RFC 2046 §5.2.2's example: declared base64, body is prose; no Message-ID either.
    private static final byte[] UNDECODABLE = ("From: Bill@host.com\r\nTo: joe@otherhost.com\r\nSubject: Audio mail\r\n"
        + "MIME-Version: 1.0\r\nContent-type: audio/basic\r\nContent-transfer-encoding: base64\r\n\r\n"
        + "... first half of encoded audio data goes here ...\r\n").getBytes(StandardCharsets.US_ASCII);

    @Test
    void aCopyStoredInJamesFileRepositoryKeepsTheBytesOfAnUndecodableBody(@TempDir Path jamesHome) throws Exception {
        MailRepository files = InMemoryMailRepositoryStore.files(jamesHome).select(MailRepositoryUrl.from("file://var/mail/archive/"));
        Mail received = receivedOverSmtp("received-1", UNDECODABLE);

        Mail copy = MailBytes.copy(received);
        copy.setName("copy-1");
        files.store(copy);

        Mail stored = files.retrieve(new MailKey("copy-1"));
        assertThat(written(stored)).isEqualTo(UNDECODABLE);
        assertThat(stored.getRecipients()).isEqualTo(received.getRecipients());
        assertThat(stored.getMaybeSender()).isEqualTo(received.getMaybeSender());
    }

    @Test
    void aReplacedMessageIsReadBackAsTheSameBytesAndStoredAsThem(@TempDir Path jamesHome) throws Exception {
        MailRepository files = InMemoryMailRepositoryStore.files(jamesHome).select(MailRepositoryUrl.from("file://var/mail/error/"));
        Mail mail = receivedOverSmtp("replaced-1", "Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));

        MailBytes.replace(mail, UNDECODABLE);

        assertThat(MailBytes.read(mail)).isSameAs(UNDECODABLE);
        files.store(mail);
        assertThat(written(files.retrieve(new MailKey("replaced-1")))).isEqualTo(UNDECODABLE);
    }

    @Test
    void aHeaderChangedInPlaceAfterAReplaceIsPartOfWhatIsRead() throws Exception {
        Mail mail = receivedOverSmtp("changed-1", UNDECODABLE);
        MailBytes.replace(mail, UNDECODABLE);

        mail.getMessage().removeHeader("To");

        assertThat(new String(MailBytes.read(mail), StandardCharsets.US_ASCII))
            .doesNotContain("To: joe@otherhost.com")
            .contains("Subject: Audio mail")
            .endsWith("... first half of encoded audio data goes here ...\r\n");
    }

    @Test
    void eightBitHeaderBytesAreReadAsTheyArrivedWhereJamesWouldWriteQuestionMarks() throws Exception {
        byte[] utf8 = ("From: =?utf-8?q?x?= <a@example.com>\r\nSubject: Grüße aus Köln, 人権の無視\r\n"
            + "Content-Type: text/plain; comment=\"été\"\r\n\r\nbody\r\n").getBytes(StandardCharsets.UTF_8);
        Mail mail = receivedOverSmtp("utf8-1", utf8);
        // Parsed (as when something read its content), still unchanged.
        ((MimeMessageWrapper) mail.getMessage()).loadMessage();
        assertThat(((MimeMessageWrapper) mail.getMessage()).isModified()).isFalse();

        assertThat(MailBytes.read(mail)).isEqualTo(utf8);
        // What James' own serialization gives for the same unchanged message: every 8-bit header byte as '?'.
        try (java.io.InputStream james = new org.apache.james.server.core.MimeMessageInputStream(mail.getMessage())) {
            assertThat(new String(james.readAllBytes(), StandardCharsets.ISO_8859_1)).contains("Subject: Gr????e aus K??ln");
        }
    }

    @Test
    void theBodyStartsAfterTheFirstEmptyLineWhateverTheLineEnds() {
        assertThat(MailBytes.bodyStart("A: b\r\n\r\nbody".getBytes(StandardCharsets.US_ASCII))).isEqualTo(8);
        assertThat(MailBytes.bodyStart("A: b\n\nbody".getBytes(StandardCharsets.US_ASCII))).isEqualTo(6);
        assertThat(MailBytes.bodyStart("A: b\r\n".getBytes(StandardCharsets.US_ASCII))).isEqualTo(6);
    }

    /** A mail as James' SMTP server hands it to the spooler: a wrapper over a stream source. */
    private static Mail receivedOverSmtp(String name, byte[] mime) throws Exception {
        MimeMessageInputStreamSource source = MimeMessageInputStreamSource.create(name);
        source.getWritableOutputStream().write(mime);
        source.getWritableOutputStream().close();
        MailImpl mail = MailImpl.builder().name(name).sender("sender@example.com").addRecipient("inbox@example.org").build();
        mail.setMessageNoCopy(new MimeMessageWrapper(source));
        return mail;
    }

    private static byte[] written(Mail mail) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        mail.getMessage().writeTo(out);
        return out.toByteArray();
    }
}
