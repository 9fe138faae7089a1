package org.mailhook.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.memory.MemoryMailRepository;
import org.apache.james.metrics.api.Gauge;
import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.server.core.MailImpl;
import org.junit.jupiter.api.Test;

class RepositoryRetentionTest {
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    /** The gauges as James' registry would read them at a scrape. */
    private static final class Gauges implements GaugeRegistry {
        final Map<String, Gauge<?>> registered = new HashMap<>();

        @Override
        public <T> GaugeRegistry register(String name, Gauge<T> gauge) {
            registered.put(name, gauge);
            return this;
        }

        @Override
        public <T> SettableGauge<T> settableGauge(String name) {
            throw new UnsupportedOperationException();
        }

        Object read(String name) {
            return registered.get(name).get();
        }
    }

    private static void store(MailRepository repository, String name, Instant lastUpdated) throws Exception {
        MailImpl mail = MailImpl.builder().name(name).sender("a@example.org").addRecipient("b@example.org")
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setSubject(name).setText("x")).build();
        mail.setLastUpdated(Date.from(lastUpdated));
        repository.store(mail);
    }

    @Test
    void eachRepositoryLosesOnlyMailOlderThanItsRetentionAndShowsCountOldestAgeAndExpired() throws Exception {
        MemoryMailRepository deadLetters = new MemoryMailRepository();
        MemoryMailRepository quarantine = new MemoryMailRepository();
        store(deadLetters, "old", NOW.minus(Duration.ofDays(31)));
        store(deadLetters, "recent", NOW.minus(Duration.ofDays(2)));
        store(deadLetters, "new", NOW.minus(Duration.ofHours(1)));
        store(quarantine, "two-days", NOW.minus(Duration.ofDays(2)));
        Map<String, MailRepository> byUrl = Map.of("memory://dead/", deadLetters, "memory://quarantine/", quarantine);
        Gauges gauges = new Gauges();
        RepositoryRetention retention = new RepositoryRetention(List.of(
            new RepositoryRetention.Kept("dead_letters", "memory://dead/", Duration.ofDays(30)),
            new RepositoryRetention.Kept("quarantine", "memory://quarantine/", Duration.ofDays(1))),
            Duration.ofHours(1), url -> () -> byUrl.get(url), gauges, Clock.fixed(NOW, ZoneOffset.UTC));
        retention.start();
        try {
            retention.pass();

            assertThat(deadLetters.list()).toIterable().extracting(k -> k.asString()).containsExactlyInAnyOrder("recent", "new");
            assertThat(quarantine.size()).isZero();
            assertThat(gauges.read("mailhook_repository_dead_letters_count")).isEqualTo(2L);
            assertThat(gauges.read("mailhook_repository_dead_letters_expired_total")).isEqualTo(1L);
            assertThat(gauges.read("mailhook_repository_dead_letters_oldest_age_seconds")).isEqualTo(Duration.ofDays(2).toSeconds());
            assertThat(gauges.read("mailhook_repository_quarantine_count")).isEqualTo(0L);
            assertThat(gauges.read("mailhook_repository_quarantine_expired_total")).isEqualTo(1L);
            assertThat(gauges.read("mailhook_repository_quarantine_oldest_age_seconds")).isEqualTo(0L);

            retention.pass();
            assertThat(gauges.read("mailhook_repository_dead_letters_expired_total")).as("counted once").isEqualTo(1L);
        } finally {
            retention.stop();
        }
    }

    @Test
    void retentionsAreReadFromMailhookPropertiesAndMustBeAboveZero() {
        MailhookSettings settings = new MailhookSettings(Map.of("retention.deadLetters", "7d", "retention.unrouted", "12h",
            "webhook.deadLetterRepository", "memory://dead/")::get);
        assertThat(settings.retention()).containsExactly(
            new RepositoryRetention.Kept("dead_letters", "memory://dead/", Duration.ofDays(7)),
            new RepositoryRetention.Kept("quarantine", "mailhook://var/mail/quarantine/", Duration.ofDays(30)),
            new RepositoryRetention.Kept("error", "mailhook://var/mail/error/", Duration.ofDays(30)),
            new RepositoryRetention.Kept("unrouted", "mailhook://var/mail/unrouted/", Duration.ofHours(12)));
        assertThat(settings.retentionInterval()).isEqualTo(Duration.ofMinutes(15));
        assertThatThrownBy(() -> new MailhookSettings(Map.of("retention.error", "0s")::get))
            .hasMessageContaining("mailhook.properties").hasMessageContaining("retention.error");
    }
}
