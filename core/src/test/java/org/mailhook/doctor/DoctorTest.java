package org.mailhook.doctor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailhook.doctor.ReportAssertions.only;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.doctor.Finding.Status;
import org.mailhook.doctor.KnotDns.Zone;
import org.xbill.DNS.ReverseMap;

/**
 * The doctor against a real authoritative server (Knot DNS on 127.0.0.1) serving one good zone and
 * one broken zone per finding. No network traffic leaves the machine: addresses in the zones are
 * documentation ranges that are never contacted (no --probe here).
 */
class DoctorTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T08:00:00Z"), ZoneOffset.UTC);

    @TempDir
    static Path dir;
    private static KnotDns knot;

    @BeforeAll
    static void startDns() throws Exception {
        List<Zone> zones = new ArrayList<>();
        // dsbad publishes a DS in its parent for a key the (unsigned) zone does not have.
        zones.add(new Zone("example.com", """
            ns A 127.0.0.1
            dsbad DS 12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
            """, false));
        zones.add(new Zone("example.net", """
            _spf TXT "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all"
            good.example.com._report._dmarc.reports TXT "v=DMARC1"
            """, false));
        zones.add(new Zone("example.org", """
            sub MX 10 mx1.good.example.com.
            sub MX 20 mx2.good.example.com.
            _dmarc TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc@example.org"
            """, false));
        zones.add(new Zone("good.example.com", """
            @ MX 10 mx1
            @ MX 20 mx2
            mx1 A 192.0.2.25
            mx1 AAAA 2001:db8:1::25
            mx2 A 198.51.100.25
            mx2 AAAA 2001:db8:2::25
            @ TXT "v=spf1 mx include:_spf.example.net -all"
            _mta-sts TXT "v=STSv1; id=20261129T000000"
            _smtp._tls TXT "v=TLSRPTv1; rua=mailto:tls-reports@good.example.com"
            _dmarc TXT "v=DMARC1; p=reject; rua=mailto:dmarc@good.example.com,mailto:dmarc@reports.example.net"
            s2026._domainkey TXT %s
            weak._domainkey TXT %s
            revoked._domainkey TXT "v=DKIM1; k=rsa; p="
            ed._domainkey TXT "v=DKIM1; k=ed25519; p=%s"
            dsa._domainkey TXT "v=DKIM1; k=dsa; p=AAAA"
            """.formatted(dkimRecord(2048), dkimRecord(1024), ed25519Key()), true));
        zones.add(new Zone("2.0.192.in-addr.arpa", "25 PTR mx1.good.example.com.\n", false));
        zones.add(new Zone("100.51.198.in-addr.arpa", "25 PTR mx2.good.example.com.\n", false));
        zones.add(new Zone("8.b.d.0.1.0.0.2.ip6.arpa",
            ptr("2001:db8:1::25", "mx1.good.example.com.") + ptr("2001:db8:2::25", "mx2.good.example.com."), false));
        zones.add(new Zone("single.example.com", """
            @ 60 MX 10 mx1
            mx1 A 192.0.2.26
            """, false));
        zones.add(new Zone("sameip.example.com", """
            @ MX 10 mx1
            @ MX 20 mx2
            mx1 A 192.0.2.27
            mx2 A 192.0.2.27
            """, false));
        zones.add(new Zone("noaddr.example.com", """
            @ MX 10 mx1
            @ MX 10 mx2
            mx1 A 192.0.2.28
            """, false));
        zones.add(new Zone("badsts.example.com", """
            @ MX 10 mx1.good.example.com.
            @ MX 20 mx2.good.example.com.
            _mta-sts TXT "v=STSv1; id=2026-11-29"
            _smtp._tls TXT "v=TLSRPTv1; rua=tls-reports@badsts.example.com"
            """, false));
        zones.add(new Zone("spf11.example.com", """
            @ MX 10 mx1.good.example.com.
            @ MX 20 mx2.good.example.com.
            @ TXT "v=spf1 mx a include:_s1.spf11.example.com -all"
            _s1 TXT "v=spf1 a:h1.example.com a:h2.example.com mx:h3.example.com ptr exists:%{i}.h4.example.com include:_s2.spf11.example.com ~all"
            _s2 TXT "v=spf1 a:h5.example.com a:h6.example.com ?all"
            """, false));
        zones.add(new Zone("open.example.com", """
            @ MX 10 mx1.good.example.com.
            @ TXT "v=spf1 ip4:192.0.2.0/24 +all"
            """, false));
        zones.add(new Zone("spfbad.example.com", """
            @ 172800 MX 10 mx1.good.example.com.
            @ TXT "v=spf1 ip4:300.1.1.1 foo:bar a/33 -all"
            _mta-sts TXT "v=STSv1; id=1"
            _mta-sts TXT "v=STSv1; id=2"
            _dmarc TXT "v=DMARC1; p=reject; pct=50; rua=mailto:d@spfbad.example.com"
            """, false));
        zones.add(new Zone("spfbroken.example.com", """
            @ MX 10 mx1.good.example.com.
            @ TXT "v=spf1 include:_none.example.net include:_loop.spfbroken.example.com -all"
            _loop TXT "v=spf1 include:_loop.spfbroken.example.com -all"
            """, false));
        zones.add(new Zone("spfredirect.example.com", """
            @ MX 10 mx1.good.example.com.
            @ TXT "v=spf1 redirect=_spf.example.net"
            """, false));
        zones.add(new Zone("spftwice.example.com", """
            @ MX 10 mx1.good.example.com.
            @ TXT "v=spf1 -all"
            @ TXT "v=spf1 mx -all"
            """, false));
        zones.add(new Zone("nodmarc.example.com", """
            @ MX 10 mx1.good.example.com.
            @ MX 20 mx2.good.example.com.
            """, false));
        zones.add(new Zone("baddmarc.example.com", """
            @ MX 10 mx1.good.example.com.
            @ MX 20 mx2.good.example.com.
            _dmarc TXT "v=DMARC1; p=maybe; rua=dmarc@baddmarc.example.com"
            """, false));
        zones.add(new Zone("dmarcsemi.example.com", """
            @ MX 10 mx1.good.example.com.
            _dmarc TXT "v=DMARC1 p=reject"
            """, false));
        zones.add(new Zone("extdmarc.example.com", """
            @ MX 10 mx1.good.example.com.
            _dmarc TXT "v=DMARC1; p=none; rua=mailto:agg@reports.example.net"
            """, false));
        zones.add(new Zone("nullmx.example.com", "@ MX 0 .\n", false));
        zones.add(new Zone("cname.example.com", """
            @ MX 10 mx1
            @ MX 20 mx2
            mx1 CNAME real
            real A 192.0.2.30
            mx2 A 198.51.100.30
            """, false));
        zones.add(new Zone("dsbad.example.com", "@ MX 10 mx1.good.example.com.\n", false));
        knot = KnotDns.start(dir, zones);
    }

    @AfterAll
    static void stopDns() throws Exception {
        if (knot != null) {
            knot.close();
        }
    }

    private static String dkimRecord(int bits) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(bits);
        String key = Base64.getEncoder().encodeToString(generator.generateKeyPair().getPublic().getEncoded());
        StringBuilder quoted = new StringBuilder("\"v=DKIM1; k=rsa; p=\"");
        for (int i = 0; i < key.length(); i += 200) {
            quoted.append(" \"").append(key, i, Math.min(key.length(), i + 200)).append('"');
        }
        return quoted.toString();
    }

    /** RFC 8463 publishes the raw 32-byte key: the tail of the JDK's SubjectPublicKeyInfo encoding. */
    private static String ed25519Key() throws Exception {
        byte[] spki = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic().getEncoded();
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(spki, spki.length - 32, spki.length));
    }

    private static String ptr(String address, String name) throws Exception {
        return ReverseMap.fromAddress(InetAddress.getByName(address)) + " PTR " + name + "\n";
    }

    private static Report examine(DoctorRequest request) throws Exception {
        Report report = new Doctor(knot.dns(), CLOCK, ProbeSettings.defaults(), line -> { }).examine(request);
        System.out.println(report.toText());
        return report;
    }

    private static Report examine(String domain) throws Exception {
        return examine(DoctorRequest.of(domain));
    }

    @Test
    void goodZonePassesEveryCheck() throws Exception {
        Report report = examine(new DoctorRequest("good.example.com",
            List.of("mx1.good.example.com", "MX2.good.example.com."), List.of("s2026"), false));

        assertThat(report.findings()).as(report.toText()).allMatch(f -> f.status() == Status.PASS);
        assertThat(report.findings()).extracting(Finding::id).contains(
            "mx.count", "mx.priorities", "mx.target-names", "mx.ttl", "mx.expected", "target.address", "target.ptr",
            "target.fcrdns", "mx.distinct-addresses", "mx.distinct-networks", "mta-sts.record", "tls-rpt.record",
            "spf.record", "spf.includes", "spf.lookups", "spf.all", "dmarc.record", "dmarc.policy", "dmarc.reports",
            "dmarc.report-authorization", "dkim.key", "dnssec.ds", "dnssec.signed");
        assertThat(report.findings("target.address")).hasSize(2);
        assertThat(report.findings("target.fcrdns")).hasSize(4);
        assertThat(only(report, "mx.distinct-networks").message())
            .contains("192.0.2.0/24", "198.51.100.0/24", "2001:db8:1:0:0:0:0:0/48", "2001:db8:2:0:0:0:0:0/48");
        assertThat(only(report, "spf.lookups").message()).isEqualTo("2 DNS lookups (limit 10)");
        assertThat(only(report, "dkim.key").message()).isEqualTo("RSA key of 2048 bits");
        assertThat(only(report, "dmarc.report-authorization").subject())
            .isEqualTo("good.example.com._report._dmarc.reports.example.net");
        assertThat(report.worst()).isEqualTo(Status.PASS);
    }

    @Test
    void singleMxIsASinglePointOfFailureAndLowTtlGetsTheMigrationNote() throws Exception {
        Report report = examine("single.example.com");

        assertThat(only(report, "mx.count").status()).isEqualTo(Status.WARN);
        assertThat(only(report, "mx.count").message()).contains("single MX host (10 mx1.single.example.com)");
        assertThat(report.findings("mx.priorities")).isEmpty();
        assertThat(report.findings("mx.distinct-addresses")).isEmpty();
        Finding ttl = only(report, "mx.ttl");
        assertThat(ttl.status()).isEqualTo(Status.WARN);
        assertThat(ttl.message()).isEqualTo("MX TTL 60 s is below 300 s");
        assertThat(ttl.advice()).contains("migration");
        assertThat(only(report, "target.ptr").status()).isEqualTo(Status.WARN);
        assertThat(report.findings("target.fcrdns")).isEmpty();
    }

    @Test
    void mxPairOnOneAddressIsOneFailureDomain() throws Exception {
        Report report = examine("sameip.example.com");

        assertThat(only(report, "mx.count").status()).isEqualTo(Status.PASS);
        Finding addresses = only(report, "mx.distinct-addresses");
        assertThat(addresses.status()).isEqualTo(Status.WARN);
        assertThat(addresses.message()).isEqualTo("mx1.sameip.example.com and mx2.sameip.example.com share 192.0.2.27");
        assertThat(only(report, "mx.distinct-networks").status()).isEqualTo(Status.WARN);
        assertThat(only(report, "mx.distinct-networks").message()).contains("192.0.2.0/24");
    }

    @Test
    void mxHostWithoutAddressFailsAndSharedPreferenceWarns() throws Exception {
        Report report = examine("noaddr.example.com");

        List<Finding> targets = report.findings("target.address");
        assertThat(targets).extracting(Finding::subject, Finding::status).containsExactly(
            org.assertj.core.groups.Tuple.tuple("mx1.noaddr.example.com", Status.PASS),
            org.assertj.core.groups.Tuple.tuple("mx2.noaddr.example.com", Status.FAIL));
        assertThat(only(report, "mx.priorities").status()).isEqualTo(Status.WARN);
        assertThat(report.worst()).isEqualTo(Status.FAIL);
    }

    @Test
    void badMtaStsAndTlsRptRecordsFail() throws Exception {
        Report report = examine("badsts.example.com");

        Finding sts = only(report, "mta-sts.record");
        assertThat(sts.status()).isEqualTo(Status.FAIL);
        assertThat(sts.message()).contains("id=2026-11-29 is not 1-32 letters and digits");
        Finding rpt = only(report, "tls-rpt.record");
        assertThat(rpt.status()).isEqualTo(Status.FAIL);
        assertThat(rpt.message()).contains("rua URI 'tls-reports@badsts.example.com'");
    }

    @Test
    void spfWithElevenLookupsFails() throws Exception {
        Report report = examine("spf11.example.com");

        assertThat(only(report, "spf.record").status()).isEqualTo(Status.PASS);
        Finding lookups = only(report, "spf.lookups");
        assertThat(lookups.status()).isEqualTo(Status.FAIL);
        assertThat(lookups.message()).startsWith("11 DNS lookups exceed the limit of 10");
        assertThat(only(report, "spf.includes").status()).isEqualTo(Status.PASS);
        assertThat(only(report, "spf.all").status()).isEqualTo(Status.PASS);
    }

    @Test
    void invalidSpfTermsFailAndOtherRecordsAreJudgedAlongside() throws Exception {
        Report report = examine("spfbad.example.com");

        Finding record = only(report, "spf.record");
        assertThat(record.status()).isEqualTo(Status.FAIL);
        assertThat(record.message()).isEqualTo("invalid SPF record: bad address in 'ip4:300.1.1.1'; "
            + "unknown mechanism 'foo'; prefix length over 32 in 'a/33'");
        assertThat(only(report, "mx.ttl").status()).isEqualTo(Status.WARN);
        assertThat(only(report, "mx.ttl").message()).isEqualTo("MX TTL 172800 s is above 86400 s");
        assertThat(only(report, "mta-sts.record").status()).isEqualTo(Status.FAIL);
        assertThat(only(report, "mta-sts.record").message()).startsWith("2 MTA-STS records");
        assertThat(only(report, "dmarc.policy").status()).isEqualTo(Status.WARN);
        assertThat(only(report, "dmarc.policy").message()).isEqualTo("p=reject applies to 50% of failing mail only");
    }

    @Test
    void brokenIncludesFail() throws Exception {
        Finding includes = only(examine("spfbroken.example.com"), "spf.includes");

        assertThat(includes.status()).isEqualTo(Status.FAIL);
        assertThat(includes.message()).isEqualTo(
            "_none.example.net has no SPF record; _loop.spfbroken.example.com includes itself (loop)");
    }

    @Test
    void redirectIsFollowedForLookupsAndAll() throws Exception {
        Report report = examine("spfredirect.example.com");

        assertThat(only(report, "spf.includes").status()).isEqualTo(Status.PASS);
        assertThat(only(report, "spf.lookups").message()).isEqualTo("1 DNS lookup (limit 10)");
        assertThat(only(report, "spf.all").message()).isEqualTo("ends with -all");
    }

    @Test
    void twoSpfRecordsFail() throws Exception {
        Finding record = only(examine("spftwice.example.com"), "spf.record");

        assertThat(record.status()).isEqualTo(Status.FAIL);
        assertThat(record.message()).startsWith("2 SPF records");
    }

    @Test
    void spfPlusAllWarns() throws Exception {
        Finding all = only(examine("open.example.com"), "spf.all");

        assertThat(all.status()).isEqualTo(Status.WARN);
        assertThat(all.message()).startsWith("+all");
    }

    @Test
    void dmarcMissingWarnsAndInvalidFails() throws Exception {
        Finding missing = only(examine("nodmarc.example.com"), "dmarc.record");
        assertThat(missing.status()).isEqualTo(Status.WARN);
        assertThat(missing.message()).startsWith("no DMARC record at the domain or its organizational domain");

        Report invalid = examine("baddmarc.example.com");
        Finding record = only(invalid, "dmarc.record");
        assertThat(record.status()).isEqualTo(Status.FAIL);
        assertThat(record.message()).contains("p=maybe is not none, quarantine or reject", "rua URI 'dmarc@baddmarc.example.com'");
        assertThat(invalid.findings("dmarc.policy")).isEmpty();
    }

    @Test
    void dmarcRecordWithoutSeparatorIsInvalidRatherThanMissing() throws Exception {
        Finding record = only(examine("dmarcsemi.example.com"), "dmarc.record");

        assertThat(record.status()).isEqualTo(Status.FAIL);
        assertThat(record.message()).contains("v=DMARC1 must come first, followed by ';'");
    }

    @Test
    void validatingResolverConfirmsSignedZonesWithTheAdBit() throws Exception {
        DoctorDns validating = new DoctorDns(new ValidatingView(knot.resolver()), "validating view of " + knot.address());
        Report good = new Doctor(validating, CLOCK, ProbeSettings.defaults(), line -> { }).examine(DoctorRequest.of("good.example.com"));
        Report broken = new Doctor(validating, CLOCK, ProbeSettings.defaults(), line -> { }).examine(DoctorRequest.of("dsbad.example.com"));
        Report unsigned = new Doctor(validating, CLOCK, ProbeSettings.defaults(), line -> { }).examine(DoctorRequest.of("nodmarc.example.com"));

        assertThat(only(good, "dnssec.validated").status()).isEqualTo(Status.PASS);
        assertThat(only(broken, "dnssec.validated").status()).isEqualTo(Status.WARN);
        assertThat(unsigned.findings("dnssec.validated")).isEmpty();
        assertThat(knot.dns().query("good.example.com", org.xbill.DNS.Type.SOA).recursive()).isFalse();
    }

    @Test
    void dmarcFoundAtTheOrganizationalDomain() throws Exception {
        Report report = examine("sub.example.org");

        Finding record = only(report, "dmarc.record");
        assertThat(record.status()).isEqualTo(Status.PASS);
        assertThat(record.subject()).isEqualTo("_dmarc.example.org");
        assertThat(record.message()).contains("(organizational domain)");
        assertThat(only(report, "dmarc.policy").status()).isEqualTo(Status.PASS);
        assertThat(report.findings("dmarc.report-authorization")).isEmpty();
        // sub.example.org has no zone of its own: DNSSEC is judged at the apex example.org
        assertThat(only(report, "dnssec.ds").subject()).isEqualTo("example.org");
    }

    @Test
    void externalReportAddressWithoutAuthorizationFails() throws Exception {
        Report report = examine("extdmarc.example.com");

        assertThat(only(report, "dmarc.policy").status()).isEqualTo(Status.WARN);
        Finding authorization = only(report, "dmarc.report-authorization");
        assertThat(authorization.status()).isEqualTo(Status.FAIL);
        assertThat(authorization.subject()).isEqualTo("extdmarc.example.com._report._dmarc.reports.example.net");
    }

    @Test
    void unsignedZoneHasNoDs() throws Exception {
        Finding ds = only(examine("nodmarc.example.com"), "dnssec.ds");

        assertThat(ds.status()).isEqualTo(Status.WARN);
        assertThat(ds.message()).startsWith("no DS record at the parent");
    }

    @Test
    void nullMxFailsAndStopsTheMxChecks() throws Exception {
        Report report = examine("nullmx.example.com");

        assertThat(only(report, "mx.null").status()).isEqualTo(Status.FAIL);
        assertThat(report.findings("mx.count")).isEmpty();
        assertThat(report.findings("target.address")).isEmpty();
    }

    @Test
    void cnameMxTargetFails() throws Exception {
        Finding names = only(examine("cname.example.com"), "mx.target-names");

        assertThat(names.status()).isEqualTo(Status.FAIL);
        assertThat(names.message()).isEqualTo("mx1.cname.example.com is a CNAME to real.cname.example.com");
    }

    @Test
    void unexpectedMxSetFails() throws Exception {
        Finding expected = only(examine(new DoctorRequest("good.example.com", List.of("mx1.good.example.com", "mx3.good.example.com"),
            List.of(), false)), "mx.expected");

        assertThat(expected.status()).isEqualTo(Status.FAIL);
        assertThat(expected.message()).isEqualTo(
            "MX hosts differ from --expect-mx: missing [mx3.good.example.com], unexpected [mx2.good.example.com]");
    }

    @Test
    void dkimSelectorsAreJudgedByKey() throws Exception {
        Report report = examine(new DoctorRequest("good.example.com", List.of(), List.of("weak", "revoked", "absent", "ed", "dsa"), false));

        assertThat(report.findings("dkim.key")).extracting(Finding::subject, Finding::status, Finding::message).containsExactly(
            org.assertj.core.groups.Tuple.tuple("weak._domainkey.good.example.com", Status.WARN, "RSA key of 1024 bits is weak"),
            org.assertj.core.groups.Tuple.tuple("revoked._domainkey.good.example.com", Status.FAIL, "the key is revoked (empty p=)"),
            org.assertj.core.groups.Tuple.tuple("absent._domainkey.good.example.com", Status.FAIL,
                "no DKIM key record: signatures with this selector fail"),
            org.assertj.core.groups.Tuple.tuple("ed._domainkey.good.example.com", Status.PASS, "ed25519 key present"),
            org.assertj.core.groups.Tuple.tuple("dsa._domainkey.good.example.com", Status.FAIL,
                "unusable DKIM record: unknown key type dsa"));
    }

    @Test
    void dsThatMatchesNoKeyFails() throws Exception {
        Report report = examine("dsbad.example.com");

        assertThat(only(report, "dnssec.ds").status()).isEqualTo(Status.FAIL);
        assertThat(only(report, "dnssec.signed").status()).isEqualTo(Status.FAIL);
    }

    @Test
    void missingDomainIsAFinding() throws Exception {
        Report report = examine("absent.example.com");

        assertThat(report.findings()).extracting(Finding::id, Finding::status)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("domain.exists", Status.FAIL));
    }

    @Test
    void silentResolverIsAResolutionError() {
        DoctorDns silent = DoctorDns.at("127.0.0.1:9", Duration.ofMillis(500));

        assertThatThrownBy(() -> new Doctor(silent, CLOCK, ProbeSettings.defaults(), line -> { })
            .examine(DoctorRequest.of("good.example.com")))
            .isInstanceOf(DoctorDns.DnsFailure.class)
            .hasMessageContaining("good.example.com MX");
    }
}
