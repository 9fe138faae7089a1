package org.mailhook.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.core.MaybeSender;
import org.apache.james.core.healthcheck.Result;
import org.apache.james.core.healthcheck.ResultStatus;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.junit.jupiter.api.Test;
import org.mailhook.disk.FreeSpaceGuard;
import org.mailhook.ops.FreeSpaceHealthCheck;
import org.mailhook.ops.FreeSpaceMonitor;
import org.mailhook.ops.MailhookSettings;

import reactor.core.publisher.Mono;

/** The SMTP answers and health results of the free-space guard, over a pinned clock and free space. */
class FreeSpaceHookTest {
    private static final long MB = 1024 * 1024;
    private static final long MIN = 114 * MB;

    private final AtomicLong free = new AtomicLong(10 * MIN);
    private final RecordingMetricFactory metrics = new RecordingMetricFactory();
    // Fixed clock: MAIL FROM sees the first reading until refresh() (end of DATA) reads again.
    private final FreeSpaceGuard guard = new FreeSpaceGuard(free::get, MIN, Duration.ofSeconds(1),
        Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC), FreeSpaceGuard.Listener.NONE);
    private final FreeSpaceMonitor monitor = new FreeSpaceMonitor(guard, Path.of("/srv/mailhook/data"), metrics);
    private final FreeSpaceHook hook = new FreeSpaceHook(monitor);
    private final FreeSpaceHealthCheck health = new FreeSpaceHealthCheck(monitor);

    private HookResult mailFrom() {
        return hook.doMail(null, MaybeSender.nullSender());
    }

    private Result health() {
        return Mono.from(health.check()).block();
    }

    @Test
    void plentyOfSpaceDeclinesSoTheOtherHooksDecide() {
        assertThat(mailFrom()).isEqualTo(HookResult.DECLINED);
        assertThat(hook.onMessage(null, null)).isEqualTo(HookResult.DECLINED);
        assertThat(health().getStatus()).isEqualTo(ResultStatus.HEALTHY);
        assertThat(metrics.countFor(FreeSpaceMonitor.REFUSED)).isZero();
    }

    @Test
    void belowTheThresholdMailFromIsAnswered452AndTheCheckIsUnhealthy() {
        free.set(MIN - 1);
        guard.refresh();
        HookResult result = mailFrom();
        assertThat(result.getResult()).isEqualTo(HookReturnCode.denySoft());
        assertThat(result.getSmtpRetCode()).isEqualTo("452");
        assertThat(result.getSmtpDescription()).isEqualTo("4.3.1 Insufficient system storage");
        assertThat(metrics.countFor(FreeSpaceMonitor.REFUSED)).isEqualTo(1);

        Result check = health();
        assertThat(check.getStatus()).isEqualTo(ResultStatus.UNHEALTHY);
        assertThat(check.getCause()).hasValueSatisfying(cause -> assertThat(cause)
            .contains((MIN - 1) + " bytes free on /srv/mailhook/data")
            .contains("smtp.minFreeBytes=" + MIN)
            .contains("452 4.3.1"));
    }

    @Test
    void endOfDataReadsAgainAndRefusesOnlyBelowHalfTheThreshold() {
        assertThat(mailFrom()).isEqualTo(HookResult.DECLINED);
        // Space drops while the mail is being received; MAIL FROM's reading is still the old one.
        free.set(MIN / 2);
        assertThat(hook.onMessage(null, null)).as("below the threshold, above the floor").isEqualTo(HookResult.DECLINED);
        free.set(MIN / 2 - 1);
        HookResult result = hook.onMessage(null, null);
        assertThat(result.getSmtpRetCode()).isEqualTo("452");
        assertThat(result.getResult()).isEqualTo(HookReturnCode.denySoft());
        // The fresh reading engaged the guard for the next MAIL FROM too.
        assertThat(mailFrom().getSmtpRetCode()).isEqualTo("452");
    }

    @Test
    void underTwiceTheThresholdTheCheckIsDegraded() {
        free.set(2 * MIN - 1);
        guard.refresh();
        Result check = health();
        assertThat(check.getStatus()).isEqualTo(ResultStatus.DEGRADED);
        assertThat(check.getCause()).hasValueSatisfying(cause -> assertThat(cause).contains((2 * MIN - 1) + " bytes free"));
        assertThat(mailFrom()).isEqualTo(HookResult.DECLINED);
    }

    @Test
    void theThresholdComesFromTheKeyOrFromTheLargestMessage() {
        assertThat(FreeSpaceMonitor.minFreeBytes(MailhookSettings.defaults(), () -> 25600L * 1024)).isEqualTo(114 * MB);
        assertThat(FreeSpaceMonitor.minFreeBytes(withMinFreeBytes(""), () -> 1024L * 1024)).isEqualTo(66 * MB);
        assertThat(FreeSpaceMonitor.minFreeBytes(withMinFreeBytes("2G"), () -> 0)).isEqualTo(2048 * MB);
        assertThatThrownBy(() -> withMinFreeBytes("lots"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("mailhook.properties: smtp.minFreeBytes: 'lots' is not a byte count");
    }

    private static MailhookSettings withMinFreeBytes(String value) {
        return new MailhookSettings(Map.of(FreeSpaceMonitor.KEY, value)::get);
    }

    @Test
    void theLargestMessageIsReadAsJamesReadsMaxmessagesize() {
        assertThat(FreeSpaceMonitor.maxMessageBytes(List.of(server("25600", true)))).isEqualTo(25600L * 1024);
        assertThat(FreeSpaceMonitor.maxMessageBytes(List.of(server("10M", true), server("25600", true)))).isEqualTo(25600L * 1024);
        assertThat(FreeSpaceMonitor.maxMessageBytes(List.of(server("10M", true), server("0", false)))).isEqualTo(10 * MB);
        assertThat(FreeSpaceMonitor.maxMessageBytes(List.of(server("10M", true), server("0", true)))).as("no cap").isZero();
    }

    private static HierarchicalConfiguration<ImmutableNode> server(String maxMessageSize, boolean enabled) {
        BaseHierarchicalConfiguration conf = new BaseHierarchicalConfiguration();
        conf.addProperty("[@enabled]", enabled);
        conf.addProperty("maxmessagesize", maxMessageSize);
        return conf;
    }
}
