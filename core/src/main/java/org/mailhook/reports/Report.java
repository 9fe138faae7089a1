package org.mailhook.reports;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One report, whichever its kind. Fields a kind does not have are null (or empty lists): a DMARC aggregate
 * report has {@code policy} and {@code records}, a TLS report {@code tlsPolicies}, a failure report
 * {@code failure}. Texts are as the reporter wrote them, trimmed; result keywords are lower case.
 *
 * @param contact the reporter's contact: the aggregate report's {@code email}, the TLS report's {@code contact-info}
 * @param omittedRecords records or TLS policies beyond {@link ReportLimits#maxRecords()}, not kept
 */
public record Report(ReportKind kind, String orgName, String contact, String reportId, DateRange dateRange,
                     PublishedPolicy policy, List<SourceRecord> records, List<TlsPolicy> tlsPolicies,
                     FailureReport failure, int omittedRecords) {

    public Report {
        records = List.copyOf(records);
        tlsPolicies = List.copyOf(tlsPolicies);
    }

    public record DateRange(Instant begin, Instant end) {
    }

    /** The DMARC record the reporter found for the domain ({@code policy_published}); {@code pct} null when absent. */
    public record PublishedPolicy(String domain, String adkim, String aspf, String p, String sp, Integer pct,
                                  String fo, String np) {
    }

    /**
     * One row of an aggregate report: mail from one source IP with one outcome.
     *
     * @param dkimAligned the DMARC-evaluated DKIM result ({@code policy_evaluated/dkim}: pass only when aligned)
     * @param spfAligned the DMARC-evaluated SPF result ({@code policy_evaluated/spf})
     * @param dkim the raw DKIM results ({@code auth_results/dkim}), aligned or not
     * @param spf the raw SPF results ({@code auth_results/spf})
     */
    public record SourceRecord(String sourceIp, long count, String disposition, String dkimAligned, String spfAligned,
                               List<Reason> reasons, String headerFrom, String envelopeFrom, String envelopeTo,
                               List<AuthResult> dkim, List<AuthResult> spf) {
        public SourceRecord {
            reasons = List.copyOf(reasons);
            dkim = List.copyOf(dkim);
            spf = List.copyOf(spf);
        }
    }

    /** Why the reporter overrode the policy ({@code policy_evaluated/reason}). */
    public record Reason(String type, String comment) {
    }

    /** One DKIM or SPF result; {@code selector} for DKIM, {@code scope} (helo, mfrom) for SPF, else null. */
    public record AuthResult(String domain, String selectorOrScope, String result) {
    }

    /** One policy of a TLS report with its session counts; {@code failuresByResultType} sums the failure details. */
    public record TlsPolicy(String policyType, String policyDomain, List<String> mxHosts, long successfulSessions,
                            long failedSessions, Map<String, Long> failuresByResultType, List<TlsFailure> failures) {
        public TlsPolicy {
            mxHosts = List.copyOf(mxHosts);
            // in the order the reporter listed them, for a stable document
            failuresByResultType = Collections.unmodifiableMap(new LinkedHashMap<>(failuresByResultType));
            failures = List.copyOf(failures);
        }
    }

    /** One {@code failure-details} entry of a TLS report (RFC 8460 4.3). */
    public record TlsFailure(String resultType, String sendingMtaIp, String receivingMxHostname, String receivingMxHelo,
                             String receivingIp, long failedSessions, String failureReasonCode,
                             String additionalInformation) {
    }

    /** The fields of a {@code message/feedback-report} part of feedback type auth-failure (RFC 6591 3.1, RFC 5965 3.5). */
    public record FailureReport(String feedbackType, String userAgent, String version, String originalMailFrom,
                                List<String> originalRcptTo, String arrivalDate, String sourceIp, String reportedDomain,
                                String authFailure, String deliveryResult, String identityAlignment, String dkimDomain,
                                String dkimIdentity, String dkimSelector, String spfDns, String authenticationResults,
                                String originalEnvelopeId, List<String> reportedUri) {
        public FailureReport {
            originalRcptTo = List.copyOf(originalRcptTo);
            reportedUri = List.copyOf(reportedUri);
        }
    }
}
