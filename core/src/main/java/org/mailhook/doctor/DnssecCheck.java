package org.mailhook.doctor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.mailhook.doctor.DoctorDns.Answer;
import org.mailhook.doctor.DoctorDns.DnsFailure;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * DNSSEC of the zone holding the domain: a DS at the parent that matches a DNSKEY of the zone, signed
 * answers (RRSIG), and the AD bit when the resolver is a recursive one (a validating resolver sets it).
 * An authoritative server never sets AD, so there the AD check is left out rather than reported.
 */
final class DnssecCheck {
    private final DoctorDns dns;

    DnssecCheck(DoctorDns dns) {
        this.dns = dns;
    }

    List<Finding> check(String domain) {
        List<Finding> findings = new ArrayList<>();
        try {
            Answer soa = dns.query(domain, Type.SOA);
            String apex = soa.has(Type.SOA) ? domain
                : soa.authority().stream().filter(r -> r.getType() == Type.SOA).findFirst()
                    .map(r -> DoctorDns.hostName(r.getName())).orElse(domain);
            Answer apexSoa = apex.equals(domain) ? soa : dns.query(apex, Type.SOA);
            List<DSRecord> ds = dns.query(apex, Type.DS).records(Type.DS, DSRecord.class);
            if (ds.isEmpty()) {
                findings.add(Finding.warn("dnssec.ds", apex, "no DS record at the parent: answers for the zone are not signed or not chained",
                    "sign the zone and publish its DS at the registrar; DNSSEC protects the MX answers and enables DANE"));
                return findings;
            }
            List<DNSKEYRecord> keys = dns.query(apex, Type.DNSKEY).records(Type.DNSKEY, DNSKEYRecord.class);
            List<String> matches = ds.stream().filter(d -> keys.stream().anyMatch(k -> matches(apex, d, k)))
                .map(d -> "tag " + d.getFootprint() + " algorithm " + d.getAlgorithm() + " digest type " + d.getDigestID()).toList();
            if (matches.isEmpty()) {
                findings.add(Finding.fail("dnssec.ds", apex, ds.size() + " DS record(s) at the parent match none of the zone's "
                        + keys.size() + " DNSKEY(s): validating resolvers answer SERVFAIL for the whole domain",
                    "publish the DS of the current key signing key at the registrar (or remove the DS if the zone is unsigned)"));
            } else {
                findings.add(Finding.pass("dnssec.ds", apex, "DS at the parent matches the zone's DNSKEY (" + String.join(", ", matches) + ")"));
            }
            boolean signed = apexSoa.has(Type.RRSIG);
            if (signed) {
                findings.add(Finding.pass("dnssec.signed", apex, "SOA answer carries an RRSIG"));
            } else {
                findings.add(Finding.fail("dnssec.signed", apex, "the parent publishes DS but the zone's answers carry no RRSIG",
                    "sign the zone, or remove the DS at the registrar: validating resolvers reject the unsigned answers"));
            }
            if (apexSoa.recursive()) {
                if (apexSoa.authenticated()) {
                    findings.add(Finding.pass("dnssec.validated", apex, "the resolver validated the answers (AD bit set)"));
                } else {
                    findings.add(Finding.warn("dnssec.validated", apex, "the recursive resolver did not set the AD bit",
                        "check with a validating resolver (e.g. --resolver of one that validates); if it still lacks AD, the chain of trust is broken"));
                }
            }
        } catch (DnsFailure e) {
            findings.add(Finding.warn("dnssec.ds", domain, "lookup failed: " + e.getMessage(),
                "make sure the zone and its parent answer DS and DNSKEY queries"));
        }
        return findings;
    }

    private static boolean matches(String apex, DSRecord ds, DNSKEYRecord key) {
        if (ds.getFootprint() != key.getFootprint() || ds.getAlgorithm() != key.getAlgorithm()) {
            return false;
        }
        try {
            Name name = Name.fromString(apex, Name.root);
            DSRecord computed = new DSRecord(name, DClass.IN, 0, ds.getDigestID(), key);
            return Arrays.equals(computed.getDigest(), ds.getDigest());
        } catch (IllegalArgumentException | org.xbill.DNS.TextParseException e) {
            return false; // a digest type dnsjava cannot compute cannot be confirmed
        }
    }
}
