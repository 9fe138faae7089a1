package org.mailhook.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.doctor.KnotDns;
import org.mailhook.doctor.SmtpResponder;
import org.mailhook.testing.RecordingReceiver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * DNS drift alerts on the assembled server against a real authoritative DNS server (knotd) whose zone
 * the test changes while the server runs: the first check is the baseline (no event, states exported as
 * metrics); a changed MX set, DMARC policy and a rotated DKIM key give one signed mailhook.dns_drift.v1
 * event listing each with before and after, delivered after a failed first attempt (retry); with the DNS
 * server stopped the records' state is temperror and no event says they were removed.
 */
class DnsDriftIT {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String DRIFT_SECRET = "whsec_C2FtcGxlLWRyaWZ0LXNlY3JldC0xMjM0NTY=";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RECORDS = """
        @ MX 10 mx1.watched.example.
        @ TXT "v=spf1 ip4:192.0.2.1 -all"
        _dmarc TXT "v=DMARC1; p=none"
        _smtp._tls TXT "v=TLSRPTv1; rua=mailto:tls@watched.example"
        s1._domainkey TXT "v=DKIM1; k=rsa; p=AAAA"
        mx1 A 192.0.2.10
        mx2 A 192.0.2.11
        """;

    @Test
    void aZoneChangedWhileTheServerRunsPostsOneSignedEvent(@TempDir Path dir) throws Exception {
        try (KnotDns dns = KnotDns.start(Files.createDirectories(dir.resolve("knot")), List.of(zone(RECORDS)));
             RecordingReceiver mailReceiver = new RecordingReceiver(SECRET);
             RecordingReceiver driftReceiver = new RecordingReceiver(DRIFT_SECRET)) {
            AtomicInteger requests = new AtomicInteger();
            driftReceiver.respondWith(request -> requests.incrementAndGet() == 1 ? 503 : 204);
            Map<String, String> env = Map.of("MAILHOOK_DNS_SERVERS", dns.address(), "MAILHOOK_DRIFT_DOMAINS", "watched.example",
                "MAILHOOK_DRIFT_DKIM_SELECTORS", "s1", "MAILHOOK_DRIFT_INTERVAL", "1s",
                "MAILHOOK_DRIFT_URL", driftReceiver.url(), "MAILHOOK_DRIFT_SECRET", DRIFT_SECRET);
            try (ServerProcess server = ServerProcess.mailhook(dir.resolve("data"), mailReceiver.url(), SECRET, env).start()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> metrics(server).contains("mailhook_dns_record_watched_example_mx 0.0"));
                String baseline = metrics(server);
                assertThat(baseline).contains("mailhook_dns_record_watched_example_dkim_s1 0.0",
                    "mailhook_dns_record_watched_example_mta_sts 1.0", "mailhook_dns_check_watched_example_spf_record 0.0");
                Thread.sleep(2500);
                assertThat(driftReceiver.deliveries()).as("the first check is the baseline").isEmpty();

                dns.replace(zone(RECORDS.replace("@ MX 10 mx1.watched.example.", "@ MX 10 mx1.watched.example.\n@ MX 20 mx2.watched.example.")
                    .replace("p=none", "p=reject").replace("p=AAAA", "p=BBBB")));
                RecordingReceiver.Delivery delivery = await().atMost(Duration.ofSeconds(60))
                    .until(() -> driftReceiver.deliveries().size() >= 2 ? driftReceiver.deliveries().get(1) : null, d -> d != null);
                assertThat(delivery.signatureValid()).as(delivery.verifyError()).isTrue();
                assertThat(delivery.webhookId()).isEqualTo(driftReceiver.deliveries().get(0).webhookId()).startsWith("drift_");
                JsonNode event = JSON.readTree(delivery.body());
                assertThat(event.path("schema").asText()).isEqualTo("mailhook.dns_drift.v1");
                assertThat(event.path("domain").asText()).isEqualTo("watched.example");
                assertThat(event.path("resolver").asText()).isEqualTo(dns.address());
                assertThat(event.path("changes").findValuesAsText("item")).containsExactly("dkim.s1", "dmarc", "mx");
                assertThat(event.at("/changes/0/before/value").asText()).endsWith("p=AAAA");
                assertThat(event.at("/changes/0/after/value").asText()).endsWith("p=BBBB");
                assertThat(event.at("/changes/1/after/value").asText()).isEqualTo("v=DMARC1; p=reject");
                assertThat(event.at("/changes/2/before/value").asText()).isEqualTo("10 mx1.watched.example");
                assertThat(event.at("/changes/2/after/value").asText()).isEqualTo("10 mx1.watched.example | 20 mx2.watched.example");
                await().atMost(Duration.ofSeconds(30)).until(() -> metrics(server).contains("mailhook_dns_drift_delivered_total 1.0"));
                assertThat(metrics(server)).contains("mailhook_dns_drift_events_total 1.0", "mailhook_dns_drift_attempt_failures_total 1.0");

                dns.close();
                await().atMost(Duration.ofSeconds(60)).until(() -> metrics(server).contains("mailhook_dns_record_watched_example_mx 2.0"));
                assertThat(metrics(server)).contains("mailhook_dns_record_watched_example_spf 2.0");
                Thread.sleep(3000);
                assertThat(driftReceiver.deliveries()).as("a failed lookup is a state, not a removal").hasSize(2);
                assertThat(metrics(server)).contains("mailhook_dns_drift_events_total 1.0");
            }
        }
    }

    /**
     * With drift.probe the check talks SMTP to the MX: its STARTTLS certificate is a check state, and when the
     * MX moves to a host whose certificate expires within 14 days the event says so (mx-certificate).
     */
    @Test
    void aStartTlsCertificateNearingExpiryIsReported(@TempDir Path dir) throws Exception {
        int smtpPort = ServerProcess.freePort();
        String mx = "@ MX 10 mx1.watched.example.\n";
        try (KnotDns dns = KnotDns.start(Files.createDirectories(dir.resolve("knot")), List.of(zone(mx + "mx1 A 127.0.0.2")));
             SmtpResponder longLived = new SmtpResponder(KeytoolCertificate.serverContext(dir, "mx1.watched.example", 400),
                 "127.0.0.2", smtpPort);
             SmtpResponder expiring = new SmtpResponder(KeytoolCertificate.serverContext(dir, "mx1.watched.example", 3),
                 "127.0.0.3", smtpPort);
             RecordingReceiver mailReceiver = new RecordingReceiver(SECRET);
             RecordingReceiver driftReceiver = new RecordingReceiver(DRIFT_SECRET)) {
            Map<String, String> env = Map.of("MAILHOOK_DNS_SERVERS", dns.address(), "MAILHOOK_DRIFT_DOMAINS", "watched.example",
                "MAILHOOK_DRIFT_INTERVAL", "1s", "MAILHOOK_DRIFT_PROBE", "true", "MAILHOOK_DRIFT_SMTP_PORT", Integer.toString(smtpPort),
                "MAILHOOK_DRIFT_URL", driftReceiver.url(), "MAILHOOK_DRIFT_SECRET", DRIFT_SECRET);
            try (ServerProcess server = ServerProcess.mailhook(dir.resolve("data"), mailReceiver.url(), SECRET, env).start()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> metrics(server).contains("mailhook_dns_record_watched_example_mx_certificate 0.0"));
                assertThat(metrics(server)).contains("mailhook_dns_check_watched_example_smtp_cert_expiry 0.0");

                dns.replace(zone(mx + "mx1 A 127.0.0.3"));
                RecordingReceiver.Delivery delivery = await().atMost(Duration.ofSeconds(60))
                    .until(() -> driftReceiver.deliveries().stream().findFirst().orElse(null), d -> d != null);
                assertThat(delivery.signatureValid()).as(delivery.verifyError()).isTrue();
                JsonNode event = JSON.readTree(delivery.body());
                assertThat(event.path("changes").findValuesAsText("item")).containsExactly("mx-certificate");
                assertThat(event.at("/changes/0/before/value").asText()).isEqualTo("mx1.watched.example [127.0.0.2]:" + smtpPort + " valid");
                assertThat(event.at("/changes/0/after/value").asText()).isEqualTo("mx1.watched.example [127.0.0.3]:" + smtpPort + " expiring");
                assertThat(metrics(server)).contains("mailhook_dns_check_watched_example_smtp_cert_expiry 1.0");
            }
        }
    }

    private static String metrics(ServerProcess server) throws Exception {
        return server.webadmin("GET", "/metrics", null).body();
    }

    private static KnotDns.Zone zone(String records) {
        return new KnotDns.Zone("watched.example", records, false);
    }
}
