package org.mailhook.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.attachments.Samples;
import org.mailhook.reports.ReportSamples;
import org.mailhook.testing.RecordingReceiver;
import org.mailhook.testing.SmtpClient;

/**
 * DMARC and TLS reports over SMTP into the assembled server: the webhook's JSON carries the typed
 * {@code report} section, and a corrupt report still arrives as an ordinary mail with its parse problem.
 */
class ReportsIT {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path data;
    static RecordingReceiver receiver;
    static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        receiver = new RecordingReceiver(SECRET);
        server = ServerProcess.mailhook(data, receiver.url(), SECRET, Map.of()).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        receiver.close();
    }

    /** Sends a mail with the report attached and returns the webhook document that carries its subject. */
    private static JsonNode deliver(String contentType, String filename, byte[] report) throws Exception {
        String subject = "report-" + UUID.randomUUID();
        byte[] mail = ReportSamples.mailWith(subject, contentType, filename, report);
        String reply;
        try (SmtpClient smtp = new SmtpClient(server.smtpPort())) {
            smtp.command("EHLO reporter.example");
            assertThat(smtp.command("MAIL FROM:<noreply-dmarc@reporter.example>")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<dmarc-reports@inbound.localhost>")).startsWith("250");
            reply = smtp.data(mail);
        }
        assertThat(reply).startsWith("250");
        RecordingReceiver.Delivery delivery = await().atMost(Duration.ofSeconds(60))
            .until(() -> receiver.deliveries().stream().filter(d -> d.body().contains(subject)).findFirst(),
                Optional::isPresent).get();
        assertThat(delivery.signatureValid()).as(delivery.verifyError()).isTrue();
        return JSON.readTree(delivery.body());
    }

    @Test
    void gzippedDmarcAggregateReportArrivesTyped() throws Exception {
        JsonNode document = deliver("application/gzip", "fastmail.com!example.com!1516060800!1516147199!102675056.xml.gz",
            ReportSamples.sample("fastmail-aggregate.xml.gz"));
        JsonNode report = document.path("report");
        assertThat(report.path("kind").asText()).isEqualTo("dmarc-aggregate");
        assertThat(report.path("orgName").asText()).isEqualTo("FastMail Pty Ltd");
        assertThat(report.path("reportId").asText()).isEqualTo("102675056");
        assertThat(report.path("dateRange").path("begin").asText()).isEqualTo("2018-01-16T00:00:00Z");
        assertThat(report.path("policy").path("domain").asText()).isEqualTo("indemed.com");
        JsonNode row = report.path("records").get(0);
        assertThat(row.path("sourceIp").asText()).isEqualTo("104.195.80.20");
        assertThat(row.path("count").asInt()).isEqualTo(1);
        assertThat(row.path("disposition").asText()).isEqualTo("none");
        assertThat(row.path("spf").get(0).path("result").asText()).isEqualTo("softfail");
        assertThat(document.path("attachments").get(0).path("filename").asText()).endsWith(".xml.gz");
        // RecordMetrics: the row's DKIM and SPF were not aligned, so its one message failed DMARC for indemed.com
        awaitMetrics("mailhook_report_dmarc_aggregate_indemed_com_fail_total 1.0", "mailhook_report_dmarc_aggregate_indemed_com_pass_total 0.0");
    }

    private static void awaitMetrics(String... lines) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
            assertThat(server.webadmin("GET", "/metrics", null).body().lines()).contains(lines));
    }

    @Test
    void gzippedTlsReportArrivesTyped() throws Exception {
        JsonNode document = deliver("application/tlsrpt+gzip", "company-x.example!company-y.example!1459468800!1459555199.json.gz",
            Samples.gzip(ReportSamples.sample("rfc8460.json")));
        JsonNode report = document.path("report");
        assertThat(report.path("kind").asText()).isEqualTo("tls-rpt");
        assertThat(report.path("orgName").asText()).isEqualTo("Company-X");
        JsonNode policy = report.path("tlsPolicies").get(0);
        assertThat(policy.path("policyDomain").asText()).isEqualTo("company-y.example");
        assertThat(policy.path("successfulSessions").asLong()).isEqualTo(5326);
        assertThat(policy.path("failedSessions").asLong()).isEqualTo(303);
        assertThat(policy.path("failuresByResultType").path("starttls-not-supported").asLong()).isEqualTo(200);
        awaitMetrics("mailhook_report_tls_rpt_company_y_example_pass_total 5326.0", "mailhook_report_tls_rpt_company_y_example_fail_total 303.0");
    }

    @Test
    void corruptGzipReportArrivesAsOrdinaryMailWithItsParseProblem() throws Exception {
        byte[] gzip = ReportSamples.sample("fastmail-aggregate.xml.gz");
        byte[] cut = Arrays.copyOf(gzip, gzip.length / 2);
        JsonNode document = deliver("application/gzip", "fastmail.com!example.com!1516060800!1516147199!1.xml.gz", cut);
        assertThat(document.path("report").isNull()).isTrue();
        assertThat(document.path("parse").path("warnings").toString()).contains("report.invalid").contains("gzip data is corrupt");
        assertThat(document.path("attachments").get(0).path("size").asInt()).isEqualTo(cut.length);
        assertThat(document.path("text").asText()).contains("See attached.");
    }
}
