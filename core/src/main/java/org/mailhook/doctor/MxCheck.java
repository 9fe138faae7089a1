package org.mailhook.doctor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import com.google.common.net.InetAddresses;

import org.mailhook.dns.DnsResolver;
import org.mailhook.doctor.DoctorDns.Answer;
import org.mailhook.doctor.DoctorDns.DnsFailure;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Type;

/**
 * The MX RRset itself: count, null MX (RFC 7505), preferences, target names (no CNAME, RFC 2181 10.3;
 * no IP literal), TTL and the operator's expected set.
 */
final class MxCheck {
    static final long MIN_TTL = 300;
    static final long MAX_TTL = 86_400;

    /** Findings plus the MX target host names (empty for a null MX), by preference. */
    record Result(List<Finding> findings, List<String> hosts) {
    }

    private final DoctorDns dns;

    MxCheck(DoctorDns dns) {
        this.dns = dns;
    }

    Result check(String domain, Answer answer, List<String> expectedMx) {
        List<Finding> findings = new ArrayList<>();
        List<MXRecord> records = answer.records(Type.MX, MXRecord.class).stream()
            .sorted(Comparator.comparingInt(MXRecord::getPriority).thenComparing(r -> r.getTarget().toString()))
            .toList();
        if (records.isEmpty()) {
            findings.add(Finding.fail("mx.count", domain, "no MX records; senders fall back to the domain's own A/AAAA record",
                "publish at least two MX records pointing at hosts in different failure domains"));
            expected(domain, List.of(), expectedMx, findings);
            return new Result(findings, List.of());
        }
        if (records.stream().anyMatch(r -> r.getTarget().equals(org.xbill.DNS.Name.root))) {
            findings.add(Finding.fail("mx.null", domain,
                records.size() == 1 ? "null MX (0 .): the domain declares that it accepts no mail (RFC 7505)"
                    : "null MX mixed with other MX records; RFC 7505 senders treat the domain as accepting no mail",
                "remove the null MX record and publish the real MX hosts if this domain should receive mail"));
            expected(domain, List.of(), expectedMx, findings);
            return new Result(findings, List.of());
        }
        List<String> hosts = records.stream().map(r -> DoctorDns.hostName(r.getTarget())).distinct().toList();
        String listing = records.stream().map(r -> r.getPriority() + " " + DoctorDns.hostName(r.getTarget()))
            .collect(Collectors.joining(", "));
        if (hosts.size() >= 2) {
            findings.add(Finding.pass("mx.count", domain, hosts.size() + " MX hosts: " + listing));
        } else {
            findings.add(Finding.warn("mx.count", domain, "a single MX host (" + listing + ") is a single point of failure",
                "add a second MX host on a different machine and network, with a higher preference value"));
        }
        priorities(domain, records, findings);
        targetNames(domain, hosts, findings);
        ttl(domain, records, findings);
        expected(domain, hosts, expectedMx, findings);
        return new Result(findings, hosts);
    }

    private static void priorities(String domain, List<MXRecord> records, List<Finding> findings) {
        if (records.size() < 2) {
            return;
        }
        Map<Integer, List<String>> byPriority = new TreeMap<>();
        records.forEach(r -> byPriority.computeIfAbsent(r.getPriority(), p -> new ArrayList<>()).add(DoctorDns.hostName(r.getTarget())));
        List<String> shared = byPriority.entrySet().stream().filter(e -> e.getValue().size() > 1)
            .map(e -> e.getKey() + " (" + String.join(", ", e.getValue()) + ")").toList();
        if (shared.isEmpty()) {
            findings.add(Finding.pass("mx.priorities", domain, "every MX has its own preference: " + byPriority.keySet()));
        } else {
            findings.add(Finding.warn("mx.priorities", domain, "MX hosts share preference " + String.join("; ", shared),
                "give the backup MX a higher preference value, unless equal preferences (load sharing) are intended"));
        }
    }

    private void targetNames(String domain, List<String> hosts, List<Finding> findings) {
        List<String> problems = new ArrayList<>();
        for (String host : hosts) {
            if (InetAddresses.isInetAddress(host) || host.startsWith("[")) {
                problems.add(host + " is an IP literal, not a host name");
                continue;
            }
            try {
                Answer a = dns.query(host, Type.A);
                a.records(Type.CNAME, CNAMERecord.class).stream().findFirst().ifPresent(cname ->
                    problems.add(host + " is a CNAME to " + DoctorDns.hostName(cname.getTarget())));
            } catch (DnsFailure e) {
                problems.add("lookup of " + host + " failed: " + e.getMessage());
            }
        }
        if (problems.isEmpty()) {
            findings.add(Finding.pass("mx.target-names", domain, "MX targets are host names with their own address records"));
        } else {
            findings.add(Finding.fail("mx.target-names", domain, String.join("; ", problems),
                "point MX records at host names that have A/AAAA records directly (RFC 2181 10.3, RFC 5321 5.1)"));
        }
    }

    private static void ttl(String domain, List<MXRecord> records, List<Finding> findings) {
        long ttl = records.stream().mapToLong(MXRecord::getTTL).min().orElse(0);
        if (ttl < MIN_TTL) {
            findings.add(Finding.warn("mx.ttl", domain, "MX TTL " + ttl + " s is below " + MIN_TTL + " s",
                "a low TTL is right during a migration; raise it to 3600 s or more once the cutover is done"));
        } else if (ttl > MAX_TTL) {
            findings.add(Finding.warn("mx.ttl", domain, "MX TTL " + ttl + " s is above " + MAX_TTL + " s",
                "lower it to at most 86400 s, and to 300 s a day before a migration, so changes spread quickly"));
        } else {
            findings.add(Finding.pass("mx.ttl", domain, "MX TTL " + ttl + " s is within " + MIN_TTL + "-" + MAX_TTL + " s"));
        }
    }

    private static void expected(String domain, List<String> hosts, List<String> expectedMx, List<Finding> findings) {
        if (expectedMx.isEmpty()) {
            return;
        }
        Set<String> expected = expectedMx.stream().map(DnsResolver::normalize).collect(Collectors.toCollection(LinkedHashSet::new));
        Set<String> missing = new LinkedHashSet<>(expected);
        hosts.forEach(missing::remove);
        Set<String> unexpected = new LinkedHashSet<>(hosts);
        unexpected.removeAll(expected);
        if (missing.isEmpty() && unexpected.isEmpty()) {
            findings.add(Finding.pass("mx.expected", domain, "MX hosts are exactly the expected " + expected));
        } else {
            findings.add(Finding.fail("mx.expected", domain,
                "MX hosts differ from --expect-mx: missing " + missing + ", unexpected " + unexpected,
                "update the MX records (or --expect-mx) so the published hosts are the ones that should receive mail"));
        }
    }
}
