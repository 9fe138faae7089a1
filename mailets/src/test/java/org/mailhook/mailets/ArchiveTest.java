package org.mailhook.mailets;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryPath;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.mailrepository.api.Protocol;
import org.apache.james.mailrepository.memory.MemoryMailRepository;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mailhook.archive.ArchiveKeys;

class ArchiveTest {
    private final MemoryMailRepository repository = new MemoryMailRepository();
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-29T06:00:00Z"));
    private final Clock clock = new Clock() {
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now.get(); }
    };
    private Archive archive;

    /** One repository for every URL. */
    private final MailRepositoryStore store = new MailRepositoryStore() {
        @Override public MailRepository select(MailRepositoryUrl url) { return repository; }
        @Override public Optional<Protocol> defaultProtocol() { return Optional.empty(); }
        @Override public Optional<MailRepository> get(MailRepositoryUrl url) { return Optional.of(repository); }
        @Override public Stream<MailRepository> getByPath(MailRepositoryPath path) { return Stream.of(repository); }
        @Override public Stream<MailRepositoryUrl> getUrls() { return Stream.empty(); }
    };

    @AfterEach
    void stop() {
        if (archive != null) {
            archive.destroy();
        }
    }

    private Mail mail(String subject) throws Exception {
        Mail mail = FakeMail.builder().name("spool-" + subject)
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setSubject(subject).setText("body"))
            .recipient("to@inbound.example").build();
        MailAttributes.set(mail, MailAttributes.JSON, "{\"subject\":\"" + subject + "\"}");
        return mail;
    }

    @Test
    void keepsACopyUnderAnArrivalOrderedKeyAndPurgesWhatIsOlderThanTheRetention() throws Exception {
        archive = new Archive(store, clock);
        archive.init(FakeMailetConfig.builder().mailetName("Archive")
            .setProperty("retention", "1d").setProperty("purgeInterval", "1h").build());
        Mail first = mail("first");
        MailAttributes.set(first, MailAttributes.ID, "mh1_0123456789abcdef0123456789abcdef");
        archive.service(first);
        now.set(now.get().plus(Duration.ofHours(20)));
        Mail second = mail("second");
        archive.service(second);

        String firstKey = MailAttributes.string(first, Archive.ARCHIVE_ID).orElseThrow();
        String secondKey = MailAttributes.string(second, Archive.ARCHIVE_ID).orElseThrow();
        assertThat(firstKey).isLessThan(secondKey).endsWith("-mh1_0123456789abcdef0123456789abcdef");
        assertThat(ArchiveKeys.archivedAtMillis(firstKey)).contains(Instant.parse("2026-11-29T06:00:00Z").toEpochMilli());
        Mail stored = repository.retrieve(new MailKey(firstKey));
        assertThat(stored.getMessage().getSubject()).isEqualTo("first");
        assertThat(MailAttributes.string(stored, MailAttributes.JSON)).contains("{\"subject\":\"first\"}");
        assertThat(first.getName()).isEqualTo("spool-first");
        assertThat(first.getState()).isNotEqualTo(Mail.GHOST);

        now.set(now.get().plus(Duration.ofHours(5)));
        assertThat(archive.purge()).isEqualTo(1);
        assertThat(keys()).containsExactly(secondKey);
    }

    private List<String> keys() throws Exception {
        List<String> keys = new ArrayList<>();
        repository.list().forEachRemaining(key -> keys.add(key.asString()));
        return keys;
    }
}
