package org.mailhook.json;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonGenerator;
import org.mailhook.reports.Report;

/** Writes the document's top-level {@code report} (docs/schema.md, docs/reports.md): null for mail that carries none. */
final class ReportSection {
    private ReportSection() {
    }

    static void write(JsonGenerator json, MessageModel.FoundReport found) throws IOException {
        if (found == null) {
            json.writeNullField("report");
            return;
        }
        Report report = found.report();
        json.writeObjectFieldStart("report");
        json.writeStringField("kind", report.kind().label());
        json.writeStringField("partId", found.partId());
        json.writeStringField("filename", found.filename());
        json.writeStringField("orgName", report.orgName());
        json.writeStringField("contact", report.contact());
        json.writeStringField("reportId", report.reportId());
        if (report.dateRange() == null) {
            json.writeNullField("dateRange");
        } else {
            json.writeObjectFieldStart("dateRange");
            writeInstant(json, "begin", report.dateRange().begin());
            writeInstant(json, "end", report.dateRange().end());
            json.writeEndObject();
        }
        writePolicy(json, report.policy());
        json.writeArrayFieldStart("records");
        for (Report.SourceRecord record : report.records()) {
            writeRecord(json, record);
        }
        json.writeEndArray();
        json.writeArrayFieldStart("tlsPolicies");
        for (Report.TlsPolicy policy : report.tlsPolicies()) {
            writeTlsPolicy(json, policy);
        }
        json.writeEndArray();
        json.writeNumberField("omittedRecords", report.omittedRecords());
        writeFailure(json, report.failure());
        json.writeEndObject();
    }

    private static void writePolicy(JsonGenerator json, Report.PublishedPolicy policy) throws IOException {
        if (policy == null) {
            json.writeNullField("policy");
            return;
        }
        json.writeObjectFieldStart("policy");
        json.writeStringField("domain", policy.domain());
        json.writeStringField("adkim", policy.adkim());
        json.writeStringField("aspf", policy.aspf());
        json.writeStringField("p", policy.p());
        json.writeStringField("sp", policy.sp());
        if (policy.pct() == null) {
            json.writeNullField("pct");
        } else {
            json.writeNumberField("pct", policy.pct());
        }
        json.writeStringField("fo", policy.fo());
        json.writeStringField("np", policy.np());
        json.writeEndObject();
    }

    private static void writeRecord(JsonGenerator json, Report.SourceRecord record) throws IOException {
        json.writeStartObject();
        json.writeStringField("sourceIp", record.sourceIp());
        json.writeNumberField("count", record.count());
        json.writeStringField("disposition", record.disposition());
        json.writeStringField("dkimAligned", record.dkimAligned());
        json.writeStringField("spfAligned", record.spfAligned());
        json.writeArrayFieldStart("reasons");
        for (Report.Reason reason : record.reasons()) {
            json.writeStartObject();
            json.writeStringField("type", reason.type());
            json.writeStringField("comment", reason.comment());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeStringField("headerFrom", record.headerFrom());
        json.writeStringField("envelopeFrom", record.envelopeFrom());
        json.writeStringField("envelopeTo", record.envelopeTo());
        writeAuthResults(json, "dkim", "selector", record.dkim());
        writeAuthResults(json, "spf", "scope", record.spf());
        json.writeEndObject();
    }

    private static void writeAuthResults(JsonGenerator json, String field, String qualifier, List<Report.AuthResult> results)
        throws IOException {
        json.writeArrayFieldStart(field);
        for (Report.AuthResult result : results) {
            json.writeStartObject();
            json.writeStringField("domain", result.domain());
            json.writeStringField(qualifier, result.selectorOrScope());
            json.writeStringField("result", result.result());
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    private static void writeTlsPolicy(JsonGenerator json, Report.TlsPolicy policy) throws IOException {
        json.writeStartObject();
        json.writeStringField("policyType", policy.policyType());
        json.writeStringField("policyDomain", policy.policyDomain());
        DocumentWriter.writeStrings(json, "mxHosts", policy.mxHosts());
        json.writeNumberField("successfulSessions", policy.successfulSessions());
        json.writeNumberField("failedSessions", policy.failedSessions());
        json.writeObjectFieldStart("failuresByResultType");
        for (Map.Entry<String, Long> entry : policy.failuresByResultType().entrySet()) {
            json.writeNumberField(entry.getKey(), entry.getValue());
        }
        json.writeEndObject();
        json.writeArrayFieldStart("failures");
        for (Report.TlsFailure failure : policy.failures()) {
            json.writeStartObject();
            json.writeStringField("resultType", failure.resultType());
            json.writeStringField("sendingMtaIp", failure.sendingMtaIp());
            json.writeStringField("receivingMxHostname", failure.receivingMxHostname());
            json.writeStringField("receivingMxHelo", failure.receivingMxHelo());
            json.writeStringField("receivingIp", failure.receivingIp());
            json.writeNumberField("failedSessions", failure.failedSessions());
            json.writeStringField("failureReasonCode", failure.failureReasonCode());
            json.writeStringField("additionalInformation", failure.additionalInformation());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void writeFailure(JsonGenerator json, Report.FailureReport failure) throws IOException {
        if (failure == null) {
            json.writeNullField("failure");
            return;
        }
        json.writeObjectFieldStart("failure");
        json.writeStringField("feedbackType", failure.feedbackType());
        json.writeStringField("userAgent", failure.userAgent());
        json.writeStringField("version", failure.version());
        json.writeStringField("originalMailFrom", failure.originalMailFrom());
        DocumentWriter.writeStrings(json, "originalRcptTo", failure.originalRcptTo());
        json.writeStringField("arrivalDate", failure.arrivalDate());
        json.writeStringField("sourceIp", failure.sourceIp());
        json.writeStringField("reportedDomain", failure.reportedDomain());
        json.writeStringField("authFailure", failure.authFailure());
        json.writeStringField("deliveryResult", failure.deliveryResult());
        json.writeStringField("identityAlignment", failure.identityAlignment());
        json.writeStringField("dkimDomain", failure.dkimDomain());
        json.writeStringField("dkimIdentity", failure.dkimIdentity());
        json.writeStringField("dkimSelector", failure.dkimSelector());
        json.writeStringField("spfDns", failure.spfDns());
        json.writeStringField("authenticationResults", failure.authenticationResults());
        json.writeStringField("originalEnvelopeId", failure.originalEnvelopeId());
        DocumentWriter.writeStrings(json, "reportedUri", failure.reportedUri());
        json.writeEndObject();
    }

    private static void writeInstant(JsonGenerator json, String field, Instant instant) throws IOException {
        json.writeStringField(field, instant == null ? null : instant.toString());
    }
}
