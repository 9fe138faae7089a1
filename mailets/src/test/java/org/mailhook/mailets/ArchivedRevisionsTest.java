package org.mailhook.mailets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Revisions beside revision 1 on an archived mail in James' FileMailRepository, its raw MIME unchanged. */
class ArchivedRevisionsTest {
    // a body declared base64 that is not: JavaMail would re-encode or refuse it, the archive must not
    private static final byte[] RAW = ("From: a@example.com\r\nSubject: s\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + "not base64 at all ***\r\n").getBytes(StandardCharsets.US_ASCII);

    @Test
    void aRevisionIsStoredBesideTheOriginalAndTheRawMimeStaysAsItWas(@TempDir Path jamesHome) throws Exception {
        MailRepository archive = InMemoryMailRepositoryStore.files(jamesHome).select(MailRepositoryUrl.from("file://var/mail/archive/"));
        Mail mail = MailImpl.builder().name("m1").sender("a@example.com").addRecipient("b@example.org").build();
        MailBytes.replace(mail, RAW);
        MailAttributes.set(mail, MailAttributes.JSON, "{\"subject\":\"old\"}");
        archive.store(mail);

        Mail stored = archive.retrieve(new MailKey("m1"));
        assertThat(ArchivedRevisions.latest(stored)).isEqualTo(1);
        assertThat(ArchivedRevisions.json(stored, 2)).isEmpty();
        ArchivedRevisions.add(archive, stored, 2, "{\"subject\":\"new\",\"revision\":2}");
        LifecycleUtil.dispose(stored);

        Mail revised = archive.retrieve(new MailKey("m1"));
        try {
            assertThat(archive.size()).isEqualTo(1);
            assertThat(ArchivedRevisions.latest(revised)).isEqualTo(2);
            assertThat(ArchivedRevisions.json(revised, 1)).contains("{\"subject\":\"old\"}");
            assertThat(ArchivedRevisions.latestJson(revised)).contains("{\"subject\":\"new\",\"revision\":2}");
            assertThat(ArchivedRevisions.json(revised, 3)).isEmpty();
            assertThat(ArchivedRevisions.json(revised, 0)).isEmpty();
            assertThat(MailBytes.read(revised)).isEqualTo(RAW);

            Mail copy = MailBytes.copy(revised);
            ArchivedRevisions.strip(copy);
            assertThat(copy.attributeNames().map(name -> name.asString())).noneMatch(name -> name.startsWith("mailhook.json.r"))
                .contains("mailhook.json");
            LifecycleUtil.dispose(copy);
        } finally {
            LifecycleUtil.dispose(revised);
        }
    }
}
