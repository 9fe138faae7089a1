package org.mailhook.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.apache.james.utils.WebAdminGuiceProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mailhook.testing.JamesTestServer;

/** The canary, started by James from extensions.properties, probes the real SMTP → archive path. */
class CanaryJamesTest {
    private static final JamesTestServer JAMES = JamesTestServer.withMailhookProcessor("""
        <mailet match="All" class="org.mailhook.mailets.ToJson"/>
        <mailet match="All" class="org.mailhook.mailets.Archive">
          <repositoryPath>memory://var/mail/archive/</repositoryPath>
        </mailet>
        <mailet match="All" class="Null"/>""");

    static {
        JAMES.withConf("webadmin.properties", """
                enabled=true
                port=0
                host=127.0.0.1
                extensions.routes=org.apache.james.webadmin.dropwizard.MetricsRoutes
                """)
            .withConf("extensions.properties", "guice.extension.startable=org.mailhook.ops.Canary\n")
            .withConf("mailhook.properties", """
                archive.repository=memory://var/mail/archive/
                canary.enabled=true
                canary.interval=1s
                canary.timeout=20s
                canary.smtpHost=127.0.0.1
                canary.smtpPort=%d
                canary.to=canary@inbound.localhost
                """.formatted(JAMES.smtpPort()));
    }

    @RegisterExtension
    static JamesServerExtension jamesServer = JAMES.extension();

    @Test
    void canaryMeasuresTheLatencyOfItsProbes(GuiceJamesServer server) throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> metric(server, "mailhook_canary_seen_total") >= 2);
        double lastMs = metric(server, "mailhook_canary_last_latency_ms");
        assertThat(lastMs).isGreaterThan(0).isLessThan(20_000);
        assertThat(metric(server, "mailhook_canary_latency_count_total")).isGreaterThanOrEqualTo(2);
        assertThat(metric(server, "mailhook_canary_latency_le_inf_total")).isGreaterThanOrEqualTo(2);
        assertThat(metric(server, "mailhook_canary_failures_total")).isZero();
        // when the last probe finished, for the console's canary card
        assertThat((long) metric(server, "mailhook_canary_last_probe_seconds"))
            .isBetween(java.time.Instant.now().minusSeconds(60).getEpochSecond(), java.time.Instant.now().getEpochSecond() + 1);
        System.out.println("canary: " + (long) metric(server, "mailhook_canary_seen_total") + " probes seen, last latency " + lastMs + " ms");
    }

    private static double metric(GuiceJamesServer server, String name) throws Exception {
        int port = server.getProbe(WebAdminGuiceProbe.class).getWebAdminPort().getValue();
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " ([0-9.eE+-]+)$").matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
