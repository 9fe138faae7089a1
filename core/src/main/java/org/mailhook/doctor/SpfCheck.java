package org.mailhook.doctor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.mailhook.auth.spf.SpfRecord;
import org.mailhook.dns.DnsResolver;
import org.mailhook.doctor.DoctorDns.DnsFailure;

/**
 * The domain's SPF record (RFC 7208): one record, valid terms, at most 10 DNS-querying terms counted
 * through include and redirect (4.6.4), and a closing {@code all} that does not let everyone pass.
 * This is a structural check of the published records, on the verifier's own record parser
 * ({@link SpfRecord#check}), which lists every bad term rather than stopping at the first.
 */
final class SpfCheck {
    static final int MAX_LOOKUPS = 10;
    private static final int MAX_DEPTH = 10;

    /** One parsed record: its syntax problems, DNS-querying terms, include/redirect targets and all qualifier. */
    private record Parsed(List<String> problems, int lookups, List<String> includes, Optional<String> redirect, Optional<String> all) {
    }

    private final DoctorDns dns;

    SpfCheck(DoctorDns dns) {
        this.dns = dns;
    }

    List<Finding> check(String domain) {
        Optional<String> record;
        try {
            List<String> records = spfRecords(domain);
            if (records.size() > 1) {
                return List.of(Finding.fail("spf.record", domain, records.size() + " SPF records: receivers return permerror",
                    "merge them into one v=spf1 record"));
            }
            record = records.stream().findFirst();
        } catch (DnsFailure e) {
            return List.of(Finding.warn("spf.record", domain, "lookup failed: " + e.getMessage(), "make sure the zone answers TXT queries"));
        }
        if (record.isEmpty()) {
            return List.of(Finding.warn("spf.record", domain, "no SPF record: anyone can claim to send as this domain",
                "publish \"v=spf1 -all\" if the domain sends no mail, or list its senders"));
        }
        List<Finding> findings = new ArrayList<>();
        Parsed top = parse(record.get());
        if (top.problems().isEmpty()) {
            findings.add(Finding.pass("spf.record", domain, "valid: " + record.get()));
        } else {
            findings.add(Finding.fail("spf.record", domain, "invalid SPF record: " + String.join("; ", top.problems()),
                "fix the record's syntax (RFC 7208 section 12); receivers treat it as permerror"));
        }
        List<String> includeProblems = new ArrayList<>();
        Set<String> visiting = new HashSet<>(Set.of(domain));
        int lookups = top.lookups() + followed(top, visiting, includeProblems, 1);
        if (!top.includes().isEmpty() || top.redirect().isPresent()) {
            if (includeProblems.isEmpty()) {
                findings.add(Finding.pass("spf.includes", domain, "every included and redirected record exists and parses"));
            } else {
                findings.add(Finding.fail("spf.includes", domain, String.join("; ", includeProblems),
                    "fix or remove the broken include/redirect: receivers return permerror for it"));
            }
        }
        if (lookups <= MAX_LOOKUPS) {
            findings.add(Finding.pass("spf.lookups", domain, lookups + (lookups == 1 ? " DNS lookup" : " DNS lookups") + " (limit " + MAX_LOOKUPS + ")"));
        } else {
            findings.add(Finding.fail("spf.lookups", domain, lookups + " DNS lookups exceed the limit of " + MAX_LOOKUPS
                    + ": receivers return permerror",
                "replace includes by ip4:/ip6: ranges or drop unused senders until the count is 10 or less"));
        }
        Optional<String> all = effectiveAll(top, 1);
        String qualifier = all.orElse("");
        switch (qualifier) {
            case "-", "~" -> findings.add(Finding.pass("spf.all", domain, "ends with " + qualifier + "all"));
            case "+" -> findings.add(Finding.warn("spf.all", domain, "+all lets every host on the internet pass SPF",
                "end the record with -all (or ~all while testing)"));
            case "?" -> findings.add(Finding.warn("spf.all", domain, "?all makes unlisted senders neutral: SPF protects nothing",
                "end the record with -all (or ~all while testing)"));
            default -> findings.add(Finding.warn("spf.all", domain, "no all mechanism: unlisted senders get neutral",
                "end the record with -all (or ~all while testing)"));
        }
        return findings;
    }

    private List<String> spfRecords(String domain) throws DnsFailure {
        return dns.txt(domain).stream()
            .filter(SpfRecord::isSpf1)
            .toList();
    }

    /** Lookups of the records that {@code parsed} includes or redirects to, recursively. */
    private int followed(Parsed parsed, Set<String> visiting, List<String> problems, int depth) {
        int lookups = 0;
        List<String> targets = new ArrayList<>(parsed.includes());
        parsed.redirect().filter(r -> parsed.all().isEmpty()).ifPresent(targets::add);
        for (String target : targets) {
            if (target.contains("%")) {
                continue;
            }
            String name = DnsResolver.normalize(target);
            if (!visiting.add(name)) {
                problems.add(name + " includes itself (loop)");
                continue;
            }
            if (depth > MAX_DEPTH) {
                problems.add("include chain deeper than " + MAX_DEPTH + " at " + name);
                continue;
            }
            try {
                List<String> records = spfRecords(name);
                if (records.size() != 1) {
                    problems.add(name + (records.isEmpty() ? " has no SPF record" : " has " + records.size() + " SPF records"));
                } else {
                    Parsed child = parse(records.get(0));
                    child.problems().forEach(p -> problems.add(name + ": " + p));
                    lookups += child.lookups() + followed(child, visiting, problems, depth + 1);
                }
            } catch (DnsFailure e) {
                problems.add("lookup of " + name + " failed: " + e.getMessage());
            }
            visiting.remove(name);
        }
        return lookups;
    }

    private Optional<String> effectiveAll(Parsed parsed, int depth) {
        if (parsed.all().isPresent() || parsed.redirect().isEmpty() || depth > MAX_DEPTH || parsed.redirect().get().contains("%")) {
            return parsed.all();
        }
        try {
            List<String> records = spfRecords(DnsResolver.normalize(parsed.redirect().get()));
            return records.size() == 1 ? effectiveAll(parse(records.get(0)), depth + 1) : Optional.empty();
        } catch (DnsFailure e) {
            return Optional.empty();
        }
    }

    private static Parsed parse(String text) {
        SpfRecord.Checked checked = SpfRecord.check(text);
        SpfRecord record = checked.record();
        List<String> includes = new ArrayList<>();
        Optional<String> all = Optional.empty();
        int lookups = 0;
        for (SpfRecord.Directive directive : record.directives()) {
            if (directive.mechanism().queriesDns()) {
                lookups++;
            }
            if (directive.mechanism() == SpfRecord.Mechanism.INCLUDE) {
                includes.add(directive.domainSpec());
            } else if (directive.mechanism() == SpfRecord.Mechanism.ALL && all.isEmpty()) {
                all = Optional.of(String.valueOf(directive.qualifier().symbol()));
            }
        }
        Optional<String> redirect = Optional.ofNullable(record.redirect());
        if (redirect.isPresent() && all.isEmpty()) {
            lookups++; // redirect is ignored when the record has an all mechanism (RFC 7208 6.1)
        }
        return new Parsed(checked.problems(), lookups, includes, redirect, all);
    }
}
