package org.mailhook.doctor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.mailhook.auth.dkim.TagList;
import org.mailhook.auth.dmarc.OrganizationalDomain;
import org.mailhook.dns.DnsResolver;
import org.mailhook.doctor.DoctorDns.DnsFailure;

/**
 * The DMARC record (RFC 7489): found at {@code _dmarc.DOMAIN} or at the organizational domain (public
 * suffix list), valid syntax, an enforcing policy, aggregate reports, and report addresses outside the
 * organizational domain that authorize the reports ({@code DOMAIN._report._dmarc.EXTERNAL}, 7.1).
 */
final class DmarcCheck {
    private static final Set<String> POLICIES = Set.of("none", "quarantine", "reject");

    private final DoctorDns dns;

    DmarcCheck(DoctorDns dns) {
        this.dns = dns;
    }

    List<Finding> check(String domain) {
        String policyDomain = domain;
        List<String> records;
        try {
            records = dmarcRecords(domain);
            String org = OrganizationalDomain.of(domain);
            if (records.isEmpty() && !org.equals(domain)) {
                policyDomain = org;
                records = dmarcRecords(policyDomain);
            }
        } catch (DnsFailure e) {
            return List.of(Finding.warn("dmarc.record", "_dmarc." + domain, "lookup failed: " + e.getMessage(),
                "make sure the zone answers TXT queries"));
        }
        String name = "_dmarc." + policyDomain;
        if (records.isEmpty()) {
            return List.of(Finding.warn("dmarc.record", "_dmarc." + domain,
                "no DMARC record at the domain or its organizational domain: receivers cannot reject spoofed mail",
                "publish \"v=DMARC1; p=none; rua=mailto:dmarc@" + domain + "\", then move to quarantine or reject"));
        }
        if (records.size() > 1) {
            return List.of(Finding.fail("dmarc.record", name, records.size() + " DMARC records: receivers apply none of them",
                "keep exactly one v=DMARC1 record"));
        }
        String record = records.get(0);
        Optional<TagList> parsed = TagList.parse(record);
        List<String> problems = parsed.map(DmarcCheck::problems).orElse(List.of(TlsRptCheck.NOT_A_TAG_LIST));
        if (!problems.isEmpty()) {
            return List.of(Finding.fail("dmarc.record", name, "invalid DMARC record: " + String.join("; ", problems),
                "fix the record's syntax (RFC 7489 section 6.4), e.g. \"v=DMARC1; p=reject; rua=mailto:dmarc@" + policyDomain + "\""));
        }
        TagList tags = parsed.orElseThrow();
        List<Finding> findings = new ArrayList<>();
        findings.add(Finding.pass("dmarc.record", name, "valid" + (policyDomain.equals(domain) ? "" : " (organizational domain)") + ": " + record));
        policy(name, tags, findings);
        reports(policyDomain, name, tags, findings);
        return findings;
    }

    private List<String> dmarcRecords(String domain) throws DnsFailure {
        return dns.txt("_dmarc." + domain).stream().filter(DmarcCheck::isDmarc).toList();
    }

    /** A record that starts with v=DMARC1 (RFC 7489 6.6.3 discards the rest); whether it is valid is judged later. */
    private static boolean isDmarc(String text) {
        return text.matches("(?is)\\s*v\\s*=\\s*DMARC1\\b.*");
    }

    private static List<String> problems(TagList tags) {
        List<String> problems = new ArrayList<>();
        if (!"v".equals(tags.firstTag()) || !"DMARC1".equals(tags.get("v"))) {
            problems.add("v=DMARC1 must come first, followed by ';'");
        }
        Optional<String> p = Optional.ofNullable(tags.get("p"));
        if (p.isEmpty()) {
            problems.add("p= is missing");
        } else if (!POLICIES.contains(p.get().toLowerCase(Locale.ROOT))) {
            problems.add("p=" + p.get() + " is not none, quarantine or reject");
        }
        Optional.ofNullable(tags.get("sp")).filter(sp -> !POLICIES.contains(sp.toLowerCase(Locale.ROOT)))
            .ifPresent(sp -> problems.add("sp=" + sp + " is not none, quarantine or reject"));
        for (String alignment : List.of("adkim", "aspf")) {
            Optional.ofNullable(tags.get(alignment)).filter(v -> !v.equalsIgnoreCase("r") && !v.equalsIgnoreCase("s"))
                .ifPresent(v -> problems.add(alignment + "=" + v + " is not r or s"));
        }
        Optional.ofNullable(tags.get("pct")).filter(v -> !v.matches("\\d{1,3}") || Integer.parseInt(v) > 100)
            .ifPresent(v -> problems.add("pct=" + v + " is not 0-100"));
        Optional.ofNullable(tags.get("ri")).filter(v -> !v.matches("\\d{1,10}")).ifPresent(v -> problems.add("ri=" + v + " is not a number"));
        for (String kind : List.of("rua", "ruf")) {
            for (String uri : uris(tags, kind)) {
                if (!uri.toLowerCase(Locale.ROOT).matches("(mailto:[^@\\s]+@[^@\\s!]+|https?://\\S+)(![0-9]+[kmgt]?)?")) {
                    problems.add(kind + " URI '" + uri + "' is not mailto:ADDRESS");
                }
            }
        }
        return problems;
    }

    private static void policy(String name, TagList tags, List<Finding> findings) {
        String p = tags.get("p").toLowerCase(Locale.ROOT);
        int pct = Integer.parseInt(tags.getOrDefault("pct", "100"));
        if (p.equals("none")) {
            findings.add(Finding.warn("dmarc.policy", name, "p=none only monitors: spoofed mail is still delivered",
                "after reviewing the aggregate reports, move to p=quarantine and then p=reject"));
        } else if (pct < 100) {
            findings.add(Finding.warn("dmarc.policy", name, "p=" + p + " applies to " + pct + "% of failing mail only",
                "raise pct to 100 once the reports show no legitimate failures"));
        } else {
            findings.add(Finding.pass("dmarc.policy", name, "p=" + p + " is enforced on all failing mail"));
        }
    }

    private void reports(String policyDomain, String name, TagList tags, List<Finding> findings) {
        List<String> rua = uris(tags, "rua");
        if (rua.isEmpty()) {
            findings.add(Finding.warn("dmarc.reports", name, "no rua=: you receive no aggregate reports",
                "add rua=mailto:dmarc-reports@" + policyDomain + " to see who sends as your domain"));
        } else {
            findings.add(Finding.pass("dmarc.reports", name, "aggregate reports go to " + String.join(", ", rua)
                + uris(tags, "ruf").stream().map(u -> ", failure reports to " + u).reduce("", String::concat)));
        }
        Set<String> external = new LinkedHashSet<>();
        for (String uri : concat(rua, uris(tags, "ruf"))) {
            if (!uri.toLowerCase(Locale.ROOT).startsWith("mailto:")) {
                continue;
            }
            String reportDomain = DnsResolver.normalize(uri.substring(uri.indexOf('@') + 1).replaceFirst("!.*$", ""));
            if (!OrganizationalDomain.aligned(reportDomain, policyDomain, false)) {
                external.add(reportDomain);
            }
        }
        for (String reportDomain : external) {
            String authorization = policyDomain + "._report._dmarc." + reportDomain;
            try {
                boolean authorized = dns.txt(authorization).stream().anyMatch(DmarcCheck::isDmarc);
                if (authorized) {
                    findings.add(Finding.pass("dmarc.report-authorization", authorization, reportDomain + " accepts reports for " + policyDomain));
                } else {
                    findings.add(Finding.fail("dmarc.report-authorization", authorization,
                        reportDomain + " has not authorized reports for " + policyDomain + ": receivers will not send them",
                        "ask the report receiver to publish TXT \"v=DMARC1\" at " + authorization));
                }
            } catch (DnsFailure e) {
                findings.add(Finding.warn("dmarc.report-authorization", authorization, "lookup failed: " + e.getMessage(),
                    "check that " + reportDomain + " answers TXT queries"));
            }
        }
    }

    private static List<String> uris(TagList tags, String kind) {
        return Optional.ofNullable(tags.get(kind)).stream().flatMap(v -> Arrays.stream(v.split(","))).map(String::strip)
            .filter(s -> !s.isEmpty()).toList();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
