package org.mailhook.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.mailhook.attachments.Samples;
import org.mailhook.reports.ReportSamples;

/** The document's {@code report} section, on whole report mails as reporters sent them (see reports/SOURCES.md). */
class ReportDocumentTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final MessageParser parser = new MessageParser(ParseOptions.defaults());

    private ParsedMessage parsed(byte[] mail) {
        ParsedMessage parsed = parser.parse(new ByteArrayInputStream(mail), Envelope.none(), MessageParserTest.RECEIVED, Map.of());
        assertThat(MessageSchema.errors(parsed.json())).isEmpty();
        return parsed;
    }

    private JsonNode document(byte[] mail) throws Exception {
        return MAPPER.readTree(parsed(mail).json());
    }

    private static JsonNode warning(JsonNode document, String code) {
        for (JsonNode warning : document.path("parse").path("warnings")) {
            if (warning.path("code").asText().equals(code)) {
                return warning;
            }
        }
        return null;
    }

    @Test
    void google_zipped_aggregate_report() throws Exception {
        ParsedMessage parsed = parsed(ReportSamples.sample("google-aggregate.eml"));
        JsonNode report = MAPPER.readTree(parsed.json()).path("report");
        assertThat(report.path("kind").asText()).isEqualTo("dmarc-aggregate");
        assertThat(report.path("filename").asText()).isEqualTo("google.com!borschow.com!1549929600!1550015999.zip");
        assertThat(report.path("orgName").asText()).isEqualTo("google.com");
        assertThat(report.path("reportId").asText()).isEqualTo("949348866075514174");
        assertThat(report.path("dateRange").path("begin").asText()).isEqualTo("2019-02-12T00:00:00Z");
        assertThat(report.path("policy").path("domain").asText()).isEqualTo("borschow.com");
        assertThat(report.path("records").size()).isPositive();
        JsonNode row = report.path("records").get(0);
        assertThat(row.path("sourceIp").asText()).isNotEmpty();
        assertThat(row.path("count").asLong()).isPositive();
        assertThat(report.path("tlsPolicies").size()).isZero();
        assertThat(report.path("failure").isNull()).isTrue();
        assertThat(MAPPER.readTree(parsed.summaryJson()).path("reportKind").asText()).isEqualTo("dmarc-aggregate");
        // the report stays an ordinary attachment too
        assertThat(MAPPER.readTree(parsed.json()).path("attachments").get(0).path("partId").asText())
            .isEqualTo(report.path("partId").asText());
    }

    @Test
    void mimecast_gzip_with_bytes_after_the_stream() throws Exception {
        JsonNode report = document(ReportSamples.sample("mimecast-weird-gzip.eml")).path("report");
        assertThat(report.path("kind").asText()).isEqualTo("dmarc-aggregate");
        assertThat(report.path("orgName").asText()).isNotEmpty();
        assertThat(report.path("policy").path("domain").asText()).isEqualTo("ab.id.au");
    }

    @Test
    void google_gzipped_tls_report() throws Exception {
        JsonNode report = document(ReportSamples.sample("google-tlsrpt.eml")).path("report");
        assertThat(report.path("kind").asText()).isEqualTo("tls-rpt");
        assertThat(report.path("orgName").asText()).isEqualTo("Google Inc.");
        assertThat(report.path("policy").isNull()).isTrue();
        JsonNode policy = report.path("tlsPolicies").get(0);
        assertThat(policy.path("policyDomain").asText()).isEqualTo("cardinalhealth.ca");
        assertThat(policy.path("successfulSessions").asLong() + policy.path("failedSessions").asLong()).isPositive();
    }

    @Test
    void dmarc_failure_reports_plain_and_base64() throws Exception {
        JsonNode linkedin = document(ReportSamples.sample("linkedin-failure.eml")).path("report");
        assertThat(linkedin.path("kind").asText()).isEqualTo("dmarc-failure");
        assertThat(linkedin.path("partId").asText()).isEqualTo("2");
        assertThat(linkedin.path("failure").path("reportedDomain").asText()).isEqualTo("example.com");
        assertThat(linkedin.path("dateRange").isNull()).isTrue();
        JsonNode netease = document(ReportSamples.sample("netease-failure.eml")).path("report");
        assertThat(netease.path("kind").asText()).isEqualTo("dmarc-failure");
        assertThat(netease.path("failure").path("userAgent").asText()).isEqualTo("NtesDmarcReporter/1.0");
        assertThat(netease.path("failure").path("sourceIp").asText()).isEqualTo("167.89.69.24");
        assertThat(netease.path("failure").path("reportedDomain").asText()).isEqualTo("cardinal.com");
        assertThat(netease.path("failure").path("identityAlignment").asText()).isEqualTo("spf,dkim");
    }

    @Test
    void ordinary_mail_has_a_null_report() throws Exception {
        ParsedMessage parsed = parsed(MessageParserTest.REPLY.getBytes(StandardCharsets.UTF_8));
        JsonNode document = MAPPER.readTree(parsed.json());
        assertThat(document.has("report")).isTrue();
        assertThat(document.path("report").isNull()).isTrue();
        assertThat(MAPPER.readTree(parsed.summaryJson()).path("reportKind").isNull()).isTrue();
        JsonNode zip = document(ReportSamples.mailWith("report", "application/zip", "invoices.zip", Samples.zip("a.txt", new byte[] {1, 2})));
        assertThat(zip.path("report").isNull()).isTrue();
        assertThat(warning(zip, "report.invalid")).isNull();
    }

    @Test
    void corrupt_report_is_a_warning_and_the_mail_is_kept_whole() throws Exception {
        byte[] gzip = ReportSamples.sample("fastmail-aggregate.xml.gz");
        byte[] cut = Arrays.copyOf(gzip, gzip.length / 2);
        JsonNode document = document(ReportSamples.mailWith("report", "application/gzip", "fastmail.com!example.com!1516060800!1516147199.xml.gz", cut));
        assertThat(document.path("report").isNull()).isTrue();
        JsonNode warning = warning(document, "report.invalid");
        assertThat(warning).isNotNull();
        assertThat(warning.path("partId").asText()).isEqualTo("2");
        assertThat(warning.path("message").asText()).startsWith("report not read: gzip data is corrupt");
        assertThat(document.path("text").asText()).contains("See attached.");
        assertThat(document.path("attachments").get(0).path("size").asInt()).isEqualTo(cut.length);
    }

    @Test
    void a_report_inside_an_attached_message_is_not_the_mails_report() throws Exception {
        byte[] inner = ReportSamples.sample("linkedin-failure.eml");
        byte[] outer = ("From: a@example.net\r\nTo: b@example.com\r\nSubject: Fwd\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=outer\r\n\r\n--outer\r\nContent-Type: message/rfc822\r\n\r\n"
            + new String(inner, StandardCharsets.ISO_8859_1) + "\r\n--outer--\r\n").getBytes(StandardCharsets.ISO_8859_1);
        assertThat(document(outer).path("report").isNull()).isTrue();
    }

    @Test
    void plain_xml_report_attachment() throws Exception {
        JsonNode document = document(ReportSamples.mailWith("report", "text/xml", "protection.outlook.com!example.com!1711756800!1711843200.xml",
            ReportSamples.sample("outlook-aggregate.xml")));
        assertThat(document.path("report").path("orgName").asText()).isEqualTo("Outlook.com");
        assertThat(document.path("report").path("records").get(0).path("spf").get(0).path("scope").asText()).isEqualTo("mfrom");
    }
}
