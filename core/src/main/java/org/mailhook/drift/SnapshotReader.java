package org.mailhook.drift;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.mailhook.doctor.DoctorDns;
import org.mailhook.doctor.DoctorDns.DnsFailure;
import org.mailhook.doctor.Finding;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Type;

/**
 * Reads the watched records of a domain: the MX set ({@code 10 mx.example.com}, sorted), the NS set,
 * the SPF, DMARC and TLS-RPT records, the MTA-STS policy id and the DKIM record of each configured
 * selector. Several records of one kind are joined with {@code " | "} in sorted order, so only a change
 * of content is a change.
 */
public final class SnapshotReader {
    private static final Pattern STS_ID = Pattern.compile("(?:^|;)\\s*id\\s*=\\s*([^;\\s]+)");

    private final Clock clock;

    public SnapshotReader(Clock clock) {
        this.clock = clock;
    }

    /** @param dns a resolver for this one reading (DoctorDns caches answers per instance) */
    public DnsSnapshot read(DoctorDns dns, String domain, List<String> dkimSelectors) {
        return read(dns, domain, dkimSelectors, Optional.empty());
    }

    /**
     * As {@link #read(DoctorDns, String, List)}, plus the item {@code mx-certificate} from the doctor's SMTP
     * probe findings ({@code smtp.cert-expiry}): per MX address {@code valid}, {@code expiring} (within the
     * doctor's warning time) or {@code expired}, so a certificate nearing expiry is a change and its renewal
     * another. A probe that got no certificate (no connection, no STARTTLS) makes it {@code temperror}.
     *
     * @param probeFindings the findings of a doctor run with the probe; empty: the certificate is not watched
     */
    public DnsSnapshot read(DoctorDns dns, String domain, List<String> dkimSelectors, Optional<List<Finding>> probeFindings) {
        Map<String, DriftItem> items = new TreeMap<>();
        items.put("mx", lookup(() -> dns.query(domain, Type.MX).records(Type.MX, MXRecord.class).stream()
            .map(mx -> mx.getPriority() + " " + DoctorDns.hostName(mx.getTarget())).toList()));
        items.put("ns", lookup(() -> dns.query(domain, Type.NS).records(Type.NS, NSRecord.class).stream()
            .map(ns -> DoctorDns.hostName(ns.getTarget())).toList()));
        items.put("spf", txt(dns, domain, startsWith("v=spf1")));
        items.put("dmarc", txt(dns, "_dmarc." + domain, startsWith("v=DMARC1")));
        items.put("tls-rpt", txt(dns, "_smtp._tls." + domain, startsWith("v=TLSRPTv1")));
        items.put("mta-sts", lookup(() -> dns.txt("_mta-sts." + domain).stream().filter(startsWith("v=STSv1"))
            .map(SnapshotReader::stsId).toList()));
        for (String selector : dkimSelectors) {
            items.put("dkim." + selector, txt(dns, selector + "._domainkey." + domain, text -> text.contains("p=")));
        }
        probeFindings.ifPresent(findings -> items.put("mx-certificate", certificates(findings)));
        return new DnsSnapshot(domain, dns.description(), clock.instant(), items);
    }

    private static DriftItem certificates(List<Finding> findings) {
        List<String> certificates = findings.stream().filter(f -> f.id().equals("smtp.cert-expiry"))
            .map(f -> f.subject() + " " + switch (f.status()) {
                case PASS -> "valid";
                case WARN -> "expiring";
                case FAIL -> "expired";
            }).sorted().toList();
        return certificates.isEmpty() ? DriftItem.temperror() : DriftItem.present(String.join(" | ", certificates));
    }

    private static DriftItem txt(DoctorDns dns, String name, Predicate<String> kind) {
        return lookup(() -> dns.txt(name).stream().filter(kind).map(SnapshotReader::squeezed).toList());
    }

    private static Predicate<String> startsWith(String version) {
        String prefix = version.toLowerCase(Locale.ROOT);
        return text -> {
            String lower = text.toLowerCase(Locale.ROOT).stripLeading();
            return lower.equals(prefix) || lower.startsWith(prefix + " ") || lower.startsWith(prefix + ";");
        };
    }

    /** The id of an MTA-STS record, or the whole record when it has none (a broken record is a state too). */
    private static String stsId(String record) {
        Matcher id = STS_ID.matcher(record);
        return id.find() ? id.group(1) : squeezed(record);
    }

    private static String squeezed(String text) {
        return text.strip().replaceAll("\\s+", " ");
    }

    private interface Lookup {
        List<String> values() throws DnsFailure;
    }

    private static DriftItem lookup(Lookup lookup) {
        try {
            List<String> values = lookup.values().stream().sorted().distinct().toList();
            return values.isEmpty() ? DriftItem.absent() : DriftItem.present(String.join(" | ", values));
        } catch (DnsFailure e) {
            return DriftItem.temperror();
        }
    }
}
