package org.mailhook.mailets.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.File;
import java.io.InputStream;
import java.util.Optional;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;

import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.mailrepository.MailRepositoryContract;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryPath;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.mailets.MailBytes;
import org.mailhook.store.RecordKeys;

/** James' own contract for mail repositories, plus what Mailhook needs of this one; records in clear. */
class RecordMailRepositoryTest implements MailRepositoryContract {
    @TempDir
    Path base;

    /** The keys records are sealed with: none here, {@link SealedRecordMailRepositoryTest} seals. */
    Optional<RecordKeys> sealing() {
        return Optional.empty();
    }

    RecordMailRepository open(String url) throws Exception {
        RecordMailRepository repository = new RecordMailRepository(new RootedFileSystem(base), sealing());
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.addProperty("[@destinationURL]", url);
        repository.configure(config);
        repository.init();
        return repository;
    }

    @Override
    public MailRepository retrieveRepository() throws Exception {
        return open("mailhook://var/mail/test/");
    }

    @Override
    public MailRepository retrieveRepository(MailRepositoryPath path) throws Exception {
        return open("mailhook://var/mail/" + path.asString() + "/");
    }

    @Test
    void theMessageIsKeptByteForByteAndOneFilePerMailIsWritten() throws Exception {
        MailRepository repository = retrieveRepository();
        // 8-bit header, bare LF, a base64 body that does not decode: nothing may normalise it
        byte[] raw = "Subject: caf\u00e9\nFrom: a@b.example\r\nContent-Transfer-Encoding: base64\r\n\r\n!!not base64\r\n"
            .getBytes(StandardCharsets.UTF_8);
        MailImpl mail = MailImpl.builder().name("m1").sender("a@b.example").addRecipient("c@d.example").build();
        MailBytes.replace(mail, raw);
        repository.store(mail);

        Mail back = retrieveRepository().retrieve(new MailKey("m1"));

        assertThat(MailBytes.read(back)).isEqualTo(raw);
        try (var files = Files.list(base.resolve("var/mail/test"))) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("m1.rec");
        }
    }

    /** James' FileSystem resolving {@code file://} under the test's own folder. */
    record RootedFileSystem(Path root) implements FileSystem {
        @Override
        public InputStream getResource(String url) throws java.io.IOException {
            return Files.newInputStream(getFile(url).toPath());
        }

        @Override
        public File getFile(String url) {
            return root.resolve(url.substring(url.indexOf("://") + 3)).toFile();
        }

        @Override
        public File getBasedir() {
            return root.toFile();
        }
    }
}
