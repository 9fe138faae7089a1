package org.mailhook.auth.dmarc;

import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.LenientAddressParser;
import org.mailhook.auth.AuthResult;
import org.mailhook.auth.RawMessage;
import org.mailhook.auth.RawMessage.HeaderField;
import org.mailhook.auth.dkim.DkimResult;
import org.mailhook.auth.spf.SpfResult;
import org.mailhook.dns.DnsAnswer;
import org.mailhook.dns.DnsResolver;

/**
 * DMARC evaluation (RFC 7489): From domain, policy discovery (the From domain, then its organizational
 * domain), SPF/DKIM identifier alignment, and the disposition the domain owner asks for, with pct=
 * sampling from the injected random source.
 */
public final class DmarcVerifier {
    private static final Pattern UTF8_ADDRESS_DOMAIN = Pattern.compile("@([^\\s<>,;:@\"()\\[\\]]+)");
    /** The dispositions from least to most strict. */
    private static final List<String> DISPOSITIONS = List.of("none", "quarantine", "reject");

    private final DnsResolver dns;
    private final RandomGenerator random;

    public DmarcVerifier(DnsResolver dns, RandomGenerator random) {
        this.dns = dns;
        this.random = random;
    }

    public DmarcResult verify(RawMessage message, SpfResult spf, List<DkimResult> dkim) {
        Set<String> domains = fromDomains(message);
        if (domains.isEmpty()) {
            return new DmarcResult(AuthResult.PERMERROR, null, "none", null, "no RFC5322.From domain");
        }
        List<DmarcResult> verdicts = domains.stream().map(domain -> verify(domain, spf, dkim)).toList();
        return verdicts.size() == 1 ? verdicts.get(0) : strictest(verdicts);
    }

    /**
     * 6.6.1: with several author domains each is checked and the strictest policy among the checks that
     * fail applies; without a failure a temporary error stands, then a pass, then none.
     */
    private static DmarcResult strictest(List<DmarcResult> verdicts) {
        List<AuthResult> precedence = List.of(AuthResult.FAIL, AuthResult.TEMPERROR, AuthResult.PASS, AuthResult.NONE);
        DmarcResult chosen = verdicts.stream()
            .min(Comparator.comparingInt((DmarcResult v) -> precedence.indexOf(v.result()))
                .thenComparing(v -> -DISPOSITIONS.indexOf(v.disposition())))
            .orElseThrow();
        String all = verdicts.stream().map(v -> v.domain() + " " + v.result().word()).collect(Collectors.joining(", "));
        return new DmarcResult(chosen.result(), chosen.policy(), chosen.disposition(), chosen.domain(),
            chosen.reason() + "; several RFC5322.From domains: " + all);
    }

    private DmarcResult verify(String domain, SpfResult spf, List<DkimResult> dkim) {
        String orgDomain = OrganizationalDomain.of(domain);
        Discovery discovery = discover(domain, orgDomain);
        if (discovery.tempFailure) {
            return new DmarcResult(AuthResult.TEMPERROR, null, "none", domain, "DNS failure looking up the policy");
        }
        if (discovery.record.isEmpty()) {
            return new DmarcResult(AuthResult.NONE, null, "none", domain, discovery.why);
        }
        DmarcRecord record = discovery.record.get();
        String policy = discovery.atOrgDomain ? record.subdomainPolicy() : record.policy();

        boolean spfAligned = spf != null && spf.result() == AuthResult.PASS
            && OrganizationalDomain.aligned(spf.domain(), domain, record.strictSpf());
        boolean dkimAligned = dkim.stream().anyMatch(d -> d.result() == AuthResult.PASS
            && OrganizationalDomain.aligned(d.domain(), domain, record.strictDkim()));
        if (spfAligned || dkimAligned) {
            return new DmarcResult(AuthResult.PASS, policy, "none", domain,
                (dkimAligned ? "aligned DKIM pass" : "") + (dkimAligned && spfAligned ? ", " : "")
                    + (spfAligned ? "aligned SPF pass" : ""));
        }
        String disposition = policy;
        String reason = "no aligned SPF or DKIM pass";
        if (!policy.equals("none") && record.percent() < 100 && random.nextInt(100) >= record.percent()) {
            // 6.6.4: outside the pct= sample the next less strict policy applies.
            disposition = DISPOSITIONS.get(DISPOSITIONS.indexOf(policy) - 1);
            reason += "; outside pct=" + record.percent() + " sample";
        }
        return new DmarcResult(AuthResult.FAIL, policy, disposition, domain, reason);
    }

    /**
     * @param atOrgDomain the record came from the organizational domain of a subdomain (sp= applies)
     * @param why without a record: why none applies
     */
    private record Discovery(Optional<DmarcRecord> record, boolean atOrgDomain, boolean tempFailure, String why) {
    }

    /**
     * Policy discovery, RFC 7489 6.6.3: the From domain's v=DMARC1 records; only when it has none, those
     * of its organizational domain. Several records, or one without a usable policy, end the discovery
     * with no policy: they do not send it on to the organizational domain.
     */
    private Discovery discover(String domain, String orgDomain) {
        DnsAnswer<String> exact = dns.txt("_dmarc." + domain);
        if (exact.isTempFailure()) {
            return new Discovery(Optional.empty(), false, true, null);
        }
        List<String> records = dmarc1Records(exact);
        boolean atOrgDomain = false;
        if (records.isEmpty() && !domain.equals(orgDomain)) {
            DnsAnswer<String> org = dns.txt("_dmarc." + orgDomain);
            if (org.isTempFailure()) {
                return new Discovery(Optional.empty(), true, true, null);
            }
            records = dmarc1Records(org);
            atOrgDomain = true;
        }
        if (records.size() != 1) {
            return new Discovery(Optional.empty(), atOrgDomain, false,
                records.isEmpty() ? "no DMARC record" : records.size() + " DMARC records");
        }
        Optional<DmarcRecord> record = DmarcRecord.parse(records.get(0));
        return new Discovery(record, atOrgDomain, false, record.isEmpty() ? "DMARC record without a valid policy" : null);
    }

    private static List<String> dmarc1Records(DnsAnswer<String> answer) {
        return answer.records().stream().filter(DmarcRecord::isDmarc1).toList();
    }

    /** The A-label form DNS needs; a name IDNA rejects is kept as written (its lookups simply find nothing). */
    private static String asciiDomain(String domain) {
        try {
            return IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException e) {
            return domain;
        }
    }

    /** The distinct domains of all addresses in all From fields. */
    static Set<String> fromDomains(RawMessage message) {
        Set<String> domains = new LinkedHashSet<>();
        for (HeaderField from : message.headers("From")) {
            String value = from.value().replace("\r\n", "");
            if (StandardCharsets.US_ASCII.newEncoder().canEncode(value)) {
                for (Mailbox mailbox : LenientAddressParser.DEFAULT.parseAddressList(value).flatten()) {
                    String domain = mailbox.getDomain();
                    if (domain != null && !domain.isBlank()) {
                        domains.add(DnsResolver.normalize(domain.strip()));
                    }
                }
            } else {
                // An internationalized From (RFC 6532, UTF-8 bytes kept as ISO-8859-1 chars here). mime4j
                // 0.8.12's address parser garbles and truncates non-ASCII text, so the domains after each '@'
                // are taken directly and converted to the A-label form DNS needs.
                String text = new String(value.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
                Matcher matcher = UTF8_ADDRESS_DOMAIN.matcher(text);
                while (matcher.find()) {
                    domains.add(DnsResolver.normalize(asciiDomain(matcher.group(1))));
                }
            }
        }
        return domains;
    }
}
