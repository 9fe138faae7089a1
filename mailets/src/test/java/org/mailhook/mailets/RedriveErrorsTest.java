package org.mailhook.mailets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.testing.MutableClock;

class RedriveErrorsTest {
    private static final String REPOSITORY = "file://var/mail/error/";
    private static final byte[] MIME = "Subject: stuck\r\nMessage-ID: <stuck@test>\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void aFailedMailIsCountedKeptAndSentThroughThePipelineAgainWithGrowingWaits(@TempDir Path jamesHome) throws Exception {
        InMemoryMailRepositoryStore store = InMemoryMailRepositoryStore.files(jamesHome);
        MailRepository errors = store.select(MailRepositoryUrl.from(REPOSITORY));
        RecordingMetricFactory metrics = new RecordingMetricFactory();
        MutableClock clock = new MutableClock(Instant.parse("2026-12-07T10:00:00Z"));
        FakeMailContext context = FakeMailContext.defaultContext();
        RedriveErrors mailet = new RedriveErrors(store, metrics, clock);
        mailet.init(FakeMailetConfig.builder().mailetName("RedriveErrors").mailetContext(context)
            .setProperty("interval", "1m").setProperty("maxDelay", "3m").build());
        try {
            // What the error processor does: this mailet, then ToRepository.
            Mail failed = MailImpl.builder().name("stuck-1").sender("a@example.com").addRecipient("inbox@inbound.localhost")
                .state(Mail.ERROR).build();
            MailBytes.replace(failed, MIME);
            failed.setErrorMessage("Exception calling Archive: disk full");
            mailet.service(failed);
            errors.store(failed);
            assertThat(metrics.countFor(RedriveErrors.ERRORS_METRIC)).isEqualTo(1);

            assertThat(mailet.redrive()).as("not before a minute").isZero();
            clock.advance(Duration.ofSeconds(61));
            assertThat(mailet.redrive()).isEqualTo(1);
            assertThat(errors.size()).isZero();
            assertThat(context.getSentMails()).hasSize(1);
            FakeMailContext.SentMail sent = context.getSentMails().get(0);
            assertThat(sent.getState()).isEqualTo("root");
            assertThat(sent.getRecipients()).extracting(Object::toString).containsExactly("inbox@inbound.localhost");
            assertThat(metrics.countFor(RedriveErrors.REDRIVEN_METRIC)).isEqualTo(1);

            // It fails again: the next pass waits twice as long, then no more than maxDelay.
            assertThat(mailet.delayAfter(0)).isEqualTo(Duration.ofMinutes(1));
            assertThat(mailet.delayAfter(1)).isEqualTo(Duration.ofMinutes(2));
            assertThat(mailet.delayAfter(5)).isEqualTo(Duration.ofMinutes(3));
        } finally {
            mailet.destroy();
        }
    }
}
