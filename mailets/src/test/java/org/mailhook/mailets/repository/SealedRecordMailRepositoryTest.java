package org.mailhook.mailets.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.junit.jupiter.api.Test;
import org.mailhook.crypto.KeyFiles;
import org.mailhook.mailets.MailBytes;
import org.mailhook.store.RecordKeys;

/** James' contract again (inherited), with every record sealed; and what sealing must hide. */
class SealedRecordMailRepositoryTest extends RecordMailRepositoryTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final RecordKeys keys = keys();

    private static RecordKeys keys() {
        return RecordKeys.of(List.of(Base64.getUrlDecoder().decode(KeyFiles.generate(RANDOM))));
    }

    @Override
    Optional<RecordKeys> sealing() {
        return Optional.of(keys);
    }

    @Test
    void theFileHoldsNeitherTheMessageNorTheEnvelopeNorTheAttributes() throws Exception {
        MailImpl mail = MailImpl.builder().name("sealed-1").sender("alice@sender.example").addRecipient("bob@rcpt.example")
            .addAttribute(new Attribute(org.apache.mailet.AttributeName.of("mailhook.json"), AttributeValue.of("{\"subject\":\"plans\"}")))
            .build();
        MailBytes.replace(mail, "Subject: merger plans\r\n\r\nthe secret body\r\n".getBytes(StandardCharsets.UTF_8));
        retrieveRepository().store(mail);

        String file = new String(Files.readAllBytes(base.resolve("var/mail/test/sealed-1.rec")), StandardCharsets.ISO_8859_1);
        assertThat(file).startsWith("MHREC2\n").contains("sealed-1").contains(keys.current().id());
        for (String hidden : List.of("merger", "secret body", "alice", "sender.example", "rcpt.example", "mailhook.json", "plans")) {
            assertThat(file).as(hidden).doesNotContain(hidden);
        }
        assertThat(MailBytes.read(retrieveRepository().retrieve(new MailKey("sealed-1"))))
            .isEqualTo("Subject: merger plans\r\n\r\nthe secret body\r\n".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aRepositoryWithoutTheRecordsKeyListsThemButRefusesToReadNamingTheKeyId() throws Exception {
        MailImpl mail = MailImpl.builder().name("m").sender("a@b.example").addRecipient("c@d.example").build();
        MailBytes.replace(mail, "Subject: x\r\n\r\n".getBytes(StandardCharsets.UTF_8));
        retrieveRepository().store(mail);

        RecordMailRepository otherKey = new RecordMailRepository(new RootedFileSystem(base), Optional.of(keys()));
        var config = new org.apache.commons.configuration2.BaseHierarchicalConfiguration();
        config.addProperty("[@destinationURL]", "mailhook://var/mail/test/");
        otherKey.configure(config);
        otherKey.init();

        assertThat(otherKey.list()).toIterable().containsExactly(new MailKey("m"));
        assertThatThrownBy(() -> otherKey.retrieve(new MailKey("m"))).isInstanceOf(MessagingException.class)
            .hasMessageContaining("var/mail/test").hasMessageContaining(keys.current().id());
    }
}
