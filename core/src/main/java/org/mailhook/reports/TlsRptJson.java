package org.mailhook.reports;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reads an SMTP TLS report (RFC 8460 section 4) from its JSON. */
final class TlsRptJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ReportLimits limits;

    TlsRptJson(ReportLimits limits) {
        this.limits = limits;
    }

    /** The report in {@code json}; {@link ReportException} when it is not JSON, not a TLS report, or lacks a field. */
    Report read(byte[] json) throws ReportException {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new ReportException("JSON is not well-formed: " + e.getMessage().lines().findFirst().orElse(""), false);
        }
        if (root == null || !root.isObject() || !(root.has("policies") || root.has("organization-name"))) {
            throw new ReportException("JSON is not a TLS report (no organization-name or policies)", false);
        }
        String orgName = required(root, "organization-name");
        String reportId = required(root, "report-id");
        JsonNode range = root.path("date-range");
        Report.DateRange dateRange = new Report.DateRange(instant(range, "start-datetime"), instant(range, "end-datetime"));
        JsonNode policies = root.path("policies");
        if (!policies.isArray()) {
            throw new ReportException("TLS report has no policies array", true);
        }
        List<Report.TlsPolicy> kept = new ArrayList<>();
        int omitted = 0;
        for (JsonNode policy : policies) {
            if (kept.size() < limits.maxRecords()) {
                kept.add(policy(policy));
            } else {
                omitted++;
            }
        }
        return new Report(ReportKind.TLS_RPT, orgName, text(root, "contact-info"), reportId, dateRange, null, List.of(),
            kept, null, omitted);
    }

    private static Report.TlsPolicy policy(JsonNode entry) throws ReportException {
        JsonNode policy = entry.path("policy");
        JsonNode summary = entry.path("summary");
        List<Report.TlsFailure> failures = new ArrayList<>();
        Map<String, Long> byResultType = new LinkedHashMap<>();
        for (JsonNode detail : entry.path("failure-details")) {
            Report.TlsFailure failure = new Report.TlsFailure(text(detail, "result-type"), text(detail, "sending-mta-ip"),
                text(detail, "receiving-mx-hostname"), text(detail, "receiving-mx-helo"), text(detail, "receiving-ip"),
                count(detail, "failed-session-count"), text(detail, "failure-reason-code"),
                text(detail, "additional-information"));
            failures.add(failure);
            byResultType.merge(failure.resultType() == null ? "unknown" : failure.resultType(), failure.failedSessions(),
                Long::sum);
        }
        // mx-host is an array in RFC 8460 4.4, a single string in its example and from some reporters
        List<String> mxHosts = new ArrayList<>();
        JsonNode mx = policy.path("mx-host");
        if (mx.isArray()) {
            mx.forEach(host -> mxHosts.add(host.asText()));
        } else if (mx.isTextual()) {
            mxHosts.add(mx.asText());
        }
        return new Report.TlsPolicy(required(policy, "policy-type"), text(policy, "policy-domain"), mxHosts,
            count(summary, "total-successful-session-count"), count(summary, "total-failure-session-count"),
            byResultType, failures);
    }

    private static String required(JsonNode node, String field) throws ReportException {
        String value = text(node, field);
        if (value == null) {
            throw new ReportException("TLS report has no " + field, true);
        }
        return value;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.isContainerNode() || value.asText().isBlank() ? null
            : value.asText().strip();
    }

    private static long count(JsonNode node, String field) throws ReportException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return 0;
        }
        if (!value.canConvertToLong() || value.asLong() < 0) {
            throw new ReportException(field + " is not a count: " + value, true);
        }
        return value.asLong();
    }

    private static Instant instant(JsonNode range, String field) throws ReportException {
        String value = required(range, field);
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new ReportException("date-range " + field + " is not an RFC 3339 date-time: '" + value + "'", true);
        }
    }
}
