package org.mailhook.reports;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a report says passed and failed, per reported domain, for metrics: a DMARC aggregate report
 * counts the messages of each row under {@code policy_published/domain}, passing when DKIM or SPF is
 * aligned ({@code policy_evaluated}, i.e. DMARC passed); a TLS report counts each policy's successful
 * and failed sessions under its policy domain; a DMARC failure report is one failure of its reported
 * domain. Domains are lower case without a trailing dot; a report without a domain counts nothing.
 */
public final class ReportCounts {

    /** Messages (aggregate), sessions (TLS) or reported failures that passed and failed for one domain. */
    public record DomainCount(String domain, long pass, long fail) {
    }

    private ReportCounts() {
    }

    /** The counts of this report, one per domain in the order the report names them. */
    public static List<DomainCount> of(Report report) {
        Map<String, long[]> counts = new LinkedHashMap<>();
        switch (report.kind()) {
            case DMARC_AGGREGATE -> {
                String domain = report.policy() == null ? null : report.policy().domain();
                for (Report.SourceRecord row : report.records()) {
                    boolean passed = "pass".equals(row.dkimAligned()) || "pass".equals(row.spfAligned());
                    add(counts, domain, passed ? row.count() : 0, passed ? 0 : row.count());
                }
            }
            case TLS_RPT -> report.tlsPolicies().forEach(policy ->
                add(counts, policy.policyDomain(), policy.successfulSessions(), policy.failedSessions()));
            case DMARC_FAILURE -> add(counts, report.failure() == null ? null : report.failure().reportedDomain(), 0, 1);
        }
        List<DomainCount> result = new ArrayList<>();
        counts.forEach((domain, passFail) -> result.add(new DomainCount(domain, passFail[0], passFail[1])));
        return result;
    }

    private static void add(Map<String, long[]> counts, String domain, long pass, long fail) {
        if (domain == null || domain.isBlank()) {
            return;
        }
        long[] passFail = counts.computeIfAbsent(domain.trim().toLowerCase(Locale.ROOT).replaceAll("\\.$", ""), d -> new long[2]);
        passFail[0] += Math.max(0, pass);
        passFail[1] += Math.max(0, fail);
    }
}
