package org.mailhook.json;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.mailhook.reports.ReportCounts;

/**
 * The result of parsing one mail: the JSON document (UTF-8) and a summary for matchers and logs.
 *
 * @param id the idempotency key (also the document's {@code id})
 * @param json the {@code mailhook.message.v1} document, UTF-8 encoded
 * @param messageId the Message-ID without angle brackets, or null
 * @param subject the decoded subject, or null
 * @param from the first From address, or null
 * @param attachmentCount entries in {@code attachments} (TNEF and uuencoded files included)
 * @param errorCount entries in {@code parse.errors}
 * @param warningCount entries in {@code parse.warnings}
 * @param reportKind the document's {@code report.kind} ({@code dmarc-aggregate}, {@code tls-rpt},
 *        {@code dmarc-failure}), or null when the mail carries no report
 * @param reportCounts what the report says passed and failed per reported domain (empty without a report), for metrics
 */
public record ParsedMessage(String id, byte[] json, String messageId, String subject, String from,
                            int attachmentCount, int errorCount, int warningCount, String reportKind,
                            List<ReportCounts.DomainCount> reportCounts) {
    private static final ObjectMapper SUMMARY_MAPPER = new ObjectMapper();

    public ParsedMessage {
        reportCounts = List.copyOf(reportCounts);
    }

    public ParsedMessage(String id, byte[] json, String messageId, String subject, String from,
                         int attachmentCount, int errorCount, int warningCount, String reportKind) {
        this(id, json, messageId, subject, from, attachmentCount, errorCount, warningCount, reportKind, List.of());
    }

    public String jsonText() {
        return new String(json, StandardCharsets.UTF_8);
    }

    /**
     * The summary as a small JSON object ({@code id, messageId, subject, from, attachmentCount, errorCount,
     * warningCount, reportKind, reportCounts: [{domain, pass, fail}]}), for matchers and metrics that should not
     * read the whole document.
     */
    public String summaryJson() {
        ObjectNode summary = SUMMARY_MAPPER.createObjectNode();
        summary.put("id", id);
        summary.put("messageId", messageId);
        summary.put("subject", subject);
        summary.put("from", from);
        summary.put("attachmentCount", attachmentCount);
        summary.put("errorCount", errorCount);
        summary.put("warningCount", warningCount);
        summary.put("reportKind", reportKind);
        var counts = summary.putArray("reportCounts");
        reportCounts.forEach(count -> counts.addObject().put("domain", count.domain()).put("pass", count.pass()).put("fail", count.fail()));
        return summary.toString();
    }
}
