package org.mailhook.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailhook.reports.ReportSamples.sample;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.mailhook.attachments.Samples;

/** Real reports as reporters sent them (see SOURCES.md beside the samples), and hostile ones. */
class ReportReaderTest {
    private final ReportReader reader = new ReportReader(ReportLimits.defaults());

    private Report read(String contentType, String filename, byte[] bytes) {
        ReportReader.Candidate candidate = ReportReader.candidate(contentType, filename);
        assertThat(candidate).as("candidate " + contentType + " " + filename).isNotNull();
        ReportResult result = reader.read(bytes, candidate);
        assertThat(result.error()).isNull();
        assertThat(result.report()).isNotNull();
        return result.report();
    }

    private String error(String contentType, String filename, byte[] bytes) {
        ReportResult result = reader.read(bytes, ReportReader.candidate(contentType, filename));
        assertThat(result.report()).isNull();
        return result.error();
    }

    @Test
    void fastmail_gzip_aggregate_report() {
        Report report = read("application/gzip", "fastmail.com!example.com!1516060800!1516147199!102675056.xml.gz",
            sample("fastmail-aggregate.xml.gz"));
        assertThat(report.kind()).isEqualTo(ReportKind.DMARC_AGGREGATE);
        assertThat(report.orgName()).isEqualTo("FastMail Pty Ltd");
        assertThat(report.contact()).isEqualTo("reports@fastmaildmarc.com");
        assertThat(report.reportId()).isEqualTo("102675056");
        assertThat(report.dateRange()).isEqualTo(new Report.DateRange(Instant.parse("2018-01-16T00:00:00Z"),
            Instant.parse("2018-01-16T23:59:59Z")));
        assertThat(report.policy()).isEqualTo(new Report.PublishedPolicy("indemed.com", null, null, "none", "none", 100, "0", null));
        assertThat(report.records()).containsExactly(new Report.SourceRecord("104.195.80.20", 1, "none", "fail", "fail",
            List.of(), "example.com", "example.com", "fastmail.fm", List.of(),
            List.of(new Report.AuthResult("example.com", "mfrom", "softfail"))));
        assertThat(report.tlsPolicies()).isEmpty();
        assertThat(report.failure()).isNull();
    }

    @Test
    void zip_aggregate_report_by_filename_alone() {
        Report report = read("application/octet-stream", "estadocuenta1.infonacot.gob.mx!example.com!1536853302!1536939702!2940.xml.zip",
            sample("infonacot-aggregate.xml.zip"));
        assertThat(report.orgName()).isEqualTo("XYZ Corporation");
        assertThat(report.reportId()).isEqualTo("2940");
        assertThat(report.policy().domain()).isEqualTo("example.com");
        assertThat(report.policy().pct()).isNull();
        assertThat(report.records()).singleElement().satisfies(row -> {
            assertThat(row.sourceIp()).isEqualTo("148.243.137.254");
            assertThat(row.envelopeTo()).isEqualTo("estadocuenta1.infonacot.gob.mx");
            assertThat(row.dkim()).isEmpty();
            assertThat(row.spf()).isEmpty();
        });
    }

    @Test
    void microsoft_aggregate_report_with_namespaces_declared() {
        Report report = read("text/xml", "protection.outlook.com!example.com!1711756800!1711843200.xml",
            sample("outlook-aggregate.xml"));
        assertThat(report.orgName()).isEqualTo("Outlook.com");
        assertThat(report.policy()).isEqualTo(new Report.PublishedPolicy("example.com", "r", "r", "none", "none", 100, "0", null));
        assertThat(report.records()).singleElement().satisfies(row -> {
            assertThat(row.sourceIp()).isEqualTo("100.24.188.149");
            assertThat(row.spf()).containsExactly(new Report.AuthResult("example.com", "mfrom", "fail"));
        });
    }

    @Test
    void namespaced_aggregate_report_of_the_dmarcbis_draft() {
        Report report = read("application/xml", "rfc9990-sample.xml", sample("rfc9990-sample.xml"));
        assertThat(report.orgName()).isEqualTo("Sample Reporter");
        assertThat(report.dateRange().begin()).isEqualTo(Instant.ofEpochSecond(302832000));
        assertThat(report.policy().p()).isEqualTo("quarantine");
        assertThat(report.policy().np()).isEqualTo("none");
        assertThat(report.records()).singleElement().satisfies(row -> {
            assertThat(row.count()).isEqualTo(123);
            assertThat(row.disposition()).isEqualTo("pass");
            assertThat(row.dkimAligned()).isEqualTo("pass");
            assertThat(row.spfAligned()).isEqualTo("fail");
            assertThat(row.dkim()).containsExactly(new Report.AuthResult("example.com", "abc123", "pass"));
        });
    }

    @Test
    void malformed_xml_of_a_report_is_an_error_even_without_a_report_name() {
        assertThat(error("text/xml", "invalid_xml.xml", sample("invalid_xml.xml"))).startsWith("XML is not well-formed");
    }

    @Test
    void rfc8460_tls_report() {
        Report report = read("application/tlsrpt+json", "rfc8460.json", sample("rfc8460.json"));
        assertThat(report.kind()).isEqualTo(ReportKind.TLS_RPT);
        assertThat(report.orgName()).isEqualTo("Company-X");
        assertThat(report.contact()).isEqualTo("sts-reporting@company-x.example");
        assertThat(report.reportId()).isEqualTo("5065427c-23d3-47ca-b6e0-946ea0e8c4be");
        assertThat(report.dateRange()).isEqualTo(new Report.DateRange(Instant.parse("2016-04-01T00:00:00Z"),
            Instant.parse("2016-04-01T23:59:59Z")));
        assertThat(report.policy()).isNull();
        assertThat(report.records()).isEmpty();
        assertThat(report.tlsPolicies()).singleElement().satisfies(policy -> {
            assertThat(policy.policyType()).isEqualTo("sts");
            assertThat(policy.policyDomain()).isEqualTo("company-y.example");
            assertThat(policy.mxHosts()).containsExactly("*.mail.company-y.example");
            assertThat(policy.successfulSessions()).isEqualTo(5326);
            assertThat(policy.failedSessions()).isEqualTo(303);
            assertThat(policy.failuresByResultType()).containsExactly(
                Map.entry("certificate-expired", 100L), Map.entry("starttls-not-supported", 200L),
                Map.entry("validation-failure", 3L));
            assertThat(policy.failures().get(2)).isEqualTo(new Report.TlsFailure("validation-failure", "198.51.100.62",
                "mx-backup.mail.company-y.example", null, "203.0.113.58", 3, "X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED", null));
        });
    }

    @Test
    void mail_ru_tls_report_sums_failures_by_result_type() {
        Report report = read("application/json", "mail.ru.json", sample("mail.ru.json"));
        assertThat(report.orgName()).isEqualTo("Mail.ru");
        assertThat(report.tlsPolicies()).singleElement().satisfies(policy -> {
            assertThat(policy.mxHosts()).isEmpty();
            assertThat(policy.successfulSessions()).isZero();
            assertThat(policy.failuresByResultType()).containsExactly(Map.entry("sts-policy-fetch-error", 2L));
            assertThat(policy.failures()).hasSize(2);
        });
    }

    @Test
    void gzipped_tls_report_is_recognised_by_its_first_byte() {
        Report report = read("application/tlsrpt+gzip", "x.json.gz", Samples.gzip(sample("rfc8460.json")));
        assertThat(report.kind()).isEqualTo(ReportKind.TLS_RPT);
    }

    @Test
    void linkedin_dmarc_failure_report_fields() {
        String mail = new String(sample("linkedin-failure.eml"), StandardCharsets.US_ASCII);
        int start = mail.indexOf("Feedback-Type:");
        String part = mail.substring(start, mail.indexOf("\n--", start));
        Report report = read("message/feedback-report", null, part.getBytes(StandardCharsets.US_ASCII));
        assertThat(report.kind()).isEqualTo(ReportKind.DMARC_FAILURE);
        assertThat(report.orgName()).isNull();
        Report.FailureReport failure = report.failure();
        assertThat(failure.feedbackType()).isEqualTo("auth-failure");
        assertThat(failure.userAgent()).isEqualTo("Lua/1.0");
        assertThat(failure.originalMailFrom()).isNull();
        assertThat(failure.originalRcptTo()).containsExactly("recipient@linkedin.com");
        assertThat(failure.arrivalDate()).isEqualTo("Tue, 30 Apr 2019 02:09:00 +0000");
        assertThat(failure.sourceIp()).isEqualTo("10.10.10.10");
        assertThat(failure.reportedDomain()).isEqualTo("example.com");
        assertThat(failure.authFailure()).isEqualTo("dmarc");
        assertThat(failure.deliveryResult()).isEqualTo("delivered");
        assertThat(failure.authenticationResults()).isEqualTo("dmarc=fail (p=none; dis=none) header.from=example.com");
    }

    @Test
    void abuse_feedback_is_not_a_dmarc_report() {
        ReportResult result = reader.read("Feedback-Type: abuse\r\nUser-Agent: x/1\r\nVersion: 1\r\n".getBytes(StandardCharsets.US_ASCII),
            ReportReader.candidate("message/feedback-report", null));
        assertThat(result).isEqualTo(ReportResult.none());
    }

    @Test
    void ordinary_parts_are_not_candidates() {
        assertThat(ReportReader.candidate("image/png", "logo.png")).isNull();
        assertThat(ReportReader.candidate("application/pdf", "invoice.pdf")).isNull();
        assertThat(ReportReader.candidate("application/zip", "invoices.zip")).isNull();
        assertThat(ReportReader.candidate("application/gzip", "backup.tar.gz")).isNull();
        assertThat(ReportReader.candidate("text/plain", null)).isNull();
        assertThat(ReportReader.candidate("application/zip", "google.com!example.com!1549929600!1550015999.zip"))
            .isEqualTo(new ReportReader.Candidate(ReportReader.Format.ZIP, true));
        assertThat(ReportReader.candidate("application/json", "Wow!.json"))
            .isEqualTo(new ReportReader.Candidate(ReportReader.Format.JSON, false));
        assertThat(ReportReader.candidate("application/gzip", "google.com!example.ca!1725321600!1725407999!001.json.gz"))
            .isEqualTo(new ReportReader.Candidate(ReportReader.Format.GZIP, true));
        assertThat(ReportReader.candidate("application/octet-stream", "report.xml.gz"))
            .isEqualTo(new ReportReader.Candidate(ReportReader.Format.GZIP, false));
    }

    @Test
    void ordinary_xml_json_and_archives_are_quietly_no_report() {
        assertThat(reader.read("<?xml version=\"1.0\"?><invoice><total>3</total></invoice>".getBytes(StandardCharsets.UTF_8),
            ReportReader.candidate("text/xml", "invoice.xml"))).isEqualTo(ReportResult.none());
        assertThat(reader.read("{\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8),
            ReportReader.candidate("application/json", "data.json"))).isEqualTo(ReportResult.none());
        assertThat(reader.read("not gzip".getBytes(StandardCharsets.UTF_8),
            ReportReader.candidate("application/gzip", "report.xml.gz"))).isEqualTo(ReportResult.none());
        assertThat(reader.read(Samples.zip("notes.txt", "hello".getBytes(StandardCharsets.UTF_8)),
            ReportReader.candidate("application/zip", "data.xml.zip"))).isEqualTo(ReportResult.none());
    }

    @Test
    void corrupt_gzip_with_a_report_name_is_an_error() {
        byte[] gzip = sample("fastmail-aggregate.xml.gz");
        byte[] cut = Arrays.copyOf(gzip, gzip.length / 2);
        assertThat(error("application/gzip", "a.example!b.example!1!2.xml.gz", cut)).startsWith("gzip data is corrupt");
    }

    @Test
    void external_entities_and_doctypes_are_refused() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE feedback [<!ENTITY leak SYSTEM \"file:///etc/passwd\">]>"
            + "<feedback><report_metadata><org_name>&leak;</org_name></report_metadata></feedback>";
        String error = error("text/xml", "a!b!1!2.xml", xxe.getBytes(StandardCharsets.UTF_8));
        assertThat(error).contains("DOCTYPE").doesNotContain("root:");
        String billion = "<?xml version=\"1.0\"?><!DOCTYPE feedback [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>"
            + "<feedback>&b;</feedback>";
        assertThat(error("text/xml", "a!b!1!2.xml", billion.getBytes(StandardCharsets.UTF_8))).contains("DOCTYPE");
    }

    @Test
    void decompression_is_bounded_by_ratio_and_size() {
        byte[] bomb = Samples.gzip(new byte[20 * 1024 * 1024]);
        assertThat(error("application/gzip", "a!b!1!2.xml.gz", bomb)).contains("times its compressed size");
        ReportReader small = new ReportReader(new ReportLimits(1024 * 1024, 100, 500, 10));
        ReportResult result = small.read(sample("fastmail-aggregate.xml.gz"),
            ReportReader.candidate("application/gzip", "a!b!1!2.xml.gz"));
        assertThat(result.error()).isEqualTo("expands beyond 100 bytes; not read");
        ReportResult zipped = small.read(sample("infonacot-aggregate.xml.zip"),
            ReportReader.candidate("application/zip", "a!b!1!2.zip"));
        assertThat(zipped.error()).isEqualTo("expands beyond 100 bytes; not read");
    }

    @Test
    void records_beyond_the_limit_are_counted_not_kept() {
        String xml = new String(sample("outlook-aggregate.xml"), StandardCharsets.UTF_8);
        int start = xml.indexOf("  <record>");
        int end = xml.indexOf("</record>") + "</record>\n".length();
        String threeRecords = xml.substring(0, end) + xml.substring(start, end) + xml.substring(start);
        ReportReader limited = new ReportReader(new ReportLimits(1024 * 1024, 1024 * 1024, 500, 2));
        Report report = limited.read(threeRecords.getBytes(StandardCharsets.UTF_8),
            ReportReader.candidate("text/xml", "a.xml")).report();
        assertThat(report.records()).hasSize(2);
        assertThat(report.omittedRecords()).isEqualTo(1);
    }

    @Test
    void a_report_missing_its_id_is_an_error() {
        String xml = new String(sample("outlook-aggregate.xml"), StandardCharsets.UTF_8)
            .replace("<report_id>cfeafefe4129445e8c81018bd9177197</report_id>", "");
        assertThat(error("text/xml", "a.xml", xml.getBytes(StandardCharsets.UTF_8)))
            .isEqualTo("aggregate report has no report_metadata/report_id");
    }

    @Test
    void counts_pass_and_fail_per_reported_domain() {
        Report fastmail = read("application/gzip", "fastmail.com!example.com!1516060800!1516147199!102675056.xml.gz",
            sample("fastmail-aggregate.xml.gz"));
        assertThat(ReportCounts.of(fastmail)).as("DKIM and SPF not aligned: DMARC failed")
            .containsExactly(new ReportCounts.DomainCount("indemed.com", 0, 1));
        Report dmarcbis = read("application/xml", "rfc9990-sample.xml", sample("rfc9990-sample.xml"));
        assertThat(ReportCounts.of(dmarcbis)).as("123 messages, DKIM aligned")
            .containsExactly(new ReportCounts.DomainCount(dmarcbis.policy().domain(), 123, 0));
        Report tls = read("application/tlsrpt+json", "rfc8460.json", sample("rfc8460.json"));
        assertThat(ReportCounts.of(tls)).containsExactly(new ReportCounts.DomainCount("company-y.example", 5326, 303));
    }
}
