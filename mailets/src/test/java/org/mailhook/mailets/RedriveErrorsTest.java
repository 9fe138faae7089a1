package org.mailhook.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import javax.mail.MessagingException;

import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryStore;
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
    private static final String REPOSITORY = Repositories.ERROR;
    private static final byte[] MIME = "Subject: stuck\r\nMessage-ID: <stuck@test>\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void aFailedMailIsCountedKeptAndSentThroughThePipelineAgainWithGrowingWaits(@TempDir Path jamesHome) throws Exception {
        InMemoryMailRepositoryStore store = InMemoryMailRepositoryStore.files(jamesHome);
        MailRepository errors = store.select(MailRepositoryUrl.from(REPOSITORY));
        RecordingMetricFactory metrics = new RecordingMetricFactory();
        MutableClock clock = new MutableClock(Instant.parse("2026-12-07T10:00:00Z"));
        FakeMailContext context = FakeMailContext.defaultContext();
        RedriveErrors mailet = new RedriveErrors(store, metrics, clock, duration -> { });
        mailet.init(FakeMailetConfig.builder().mailetName("RedriveErrors").mailetContext(context)
            .setProperty("interval", "1m").setProperty("maxDelay", "3m").build());
        try {
            Mail failed = MailImpl.builder().name("stuck-1").sender("a@example.com").addRecipient("inbox@inbound.localhost")
                .state(Mail.ERROR).build();
            MailBytes.replace(failed, MIME);
            failed.setErrorMessage("Exception calling Archive: disk full");
            mailet.service(failed);
            assertThat(metrics.countFor(RedriveErrors.ERRORS_METRIC)).isEqualTo(1);
            assertThat(errors.size()).as("kept by the mailet itself").isEqualTo(1);
            assertThat(failed.getState()).isEqualTo(Mail.GHOST);

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

    @Test
    void whenEvenTheErrorRepositoryCannotStoreTheMailItWaitsAndTriesAgain(@TempDir Path jamesHome) throws Exception {
        InMemoryMailRepositoryStore files = InMemoryMailRepositoryStore.files(jamesHome);
        MailRepository errors = files.select(MailRepositoryUrl.from(REPOSITORY));
        AtomicInteger failuresLeft = new AtomicInteger(6);
        // The error repository of a full disk: its first six stores fail.
        MailRepository full = (MailRepository) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {MailRepository.class},
            (proxy, method, args) -> {
                if (method.getName().equals("store") && failuresLeft.getAndDecrement() > 0) {
                    throw new MessagingException("Exception caught while storing mail", new IOException("No space left on device"));
                }
                try {
                    return method.invoke(errors, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
        MailRepositoryStore store = (MailRepositoryStore) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {MailRepositoryStore.class}, (proxy, method, args) -> method.getName().equals("select") ? full : method.invoke(files, args));
        List<Duration> waits = new ArrayList<>();
        RedriveErrors mailet = new RedriveErrors(store, new RecordingMetricFactory(), Clock.systemUTC(), waits::add);
        mailet.init(FakeMailetConfig.builder().mailetName("RedriveErrors").mailetContext(FakeMailContext.defaultContext()).build());
        try {
            Mail failed = MailImpl.builder().name("stuck-2").sender("a@example.com").addRecipient("inbox@inbound.localhost")
                .state(Mail.ERROR).build();
            MailBytes.replace(failed, MIME);
            mailet.service(failed);
            assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8),
                Duration.ofSeconds(16), Duration.ofSeconds(30));
            assertThat(errors.size()).isEqualTo(1);
            assertThat(failed.getState()).isEqualTo(Mail.GHOST);
        } finally {
            mailet.destroy();
        }
    }

    @Test
    void aShutdownWhileWaitingLeavesTheMailToTheSpool(@TempDir Path jamesHome) throws Exception {
        InMemoryMailRepositoryStore files = InMemoryMailRepositoryStore.files(jamesHome);
        MailRepository refusing = (MailRepository) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {MailRepository.class},
            (proxy, method, args) -> {
                throw new MessagingException("Exception caught while storing mail", new IOException("No space left on device"));
            });
        MailRepositoryStore store = (MailRepositoryStore) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {MailRepositoryStore.class}, (proxy, method, args) -> method.getName().equals("select") ? refusing : method.invoke(files, args));
        RedriveErrors mailet = new RedriveErrors(store, new RecordingMetricFactory(), Clock.systemUTC(), duration -> {
            throw new InterruptedException("shutdown");
        });
        mailet.init(FakeMailetConfig.builder().mailetName("RedriveErrors").mailetContext(FakeMailContext.defaultContext()).build());
        try {
            Mail failed = MailImpl.builder().name("stuck-3").sender("a@example.com").addRecipient("inbox@inbound.localhost")
                .state(Mail.ERROR).build();
            MailBytes.replace(failed, MIME);
            // The exception reaches the spooler (onMailetException=propagate), which rolls the spool entry back.
            assertThatThrownBy(() -> mailet.service(failed)).isInstanceOf(MessagingException.class).hasMessageContaining("stays in the spool");
            assertThat(failed.getState()).isEqualTo(Mail.ERROR);
            assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
        } finally {
            mailet.destroy();
        }
    }
}
