package org.mailhook.auth.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mailhook.auth.AuthResult;
import org.mailhook.auth.RawMessage;
import org.mailhook.auth.dkim.DkimResult;
import org.mailhook.auth.spf.SpfResult;
import org.mailhook.dns.JsonFileResolver;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** One row per RFC 7489 branch: From, discovery, alignment, policy choice, pct=, errors. */
class DmarcVerifierTest {

    /**
     * @param records "name=TXT" pairs; "name=TIMEOUT" makes the name time out
     * @param spf "result domain" or null; dkim "result domain" entries
     * @param sample what the random source draws from 0..99 for pct=
     */
    record Case(String name, String from, List<String> records, String spf, List<String> dkim, int sample,
                String result, String policy, String disposition) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        String reject = "_dmarc.example.com=v=DMARC1; p=reject";
        return Stream.of(
            row("no record anywhere", "a@example.com", List.of(), "pass example.com", List.of(), 0,
                "none", null, "none"),
            row("aligned DKIM, relaxed: subdomain d=", "a@example.com", List.of(reject), null,
                List.of("pass mail.example.com"), 0, "pass", "reject", "none"),
            row("aligned DKIM, strict adkim=s refuses subdomain", "a@example.com",
                List.of("_dmarc.example.com=v=DMARC1; p=reject; adkim=s"), null, List.of("pass mail.example.com"), 0,
                "fail", "reject", "reject"),
            row("aligned SPF, relaxed", "a@example.com", List.of(reject), "pass bounce.example.com", List.of(), 0,
                "pass", "reject", "none"),
            row("aligned SPF, strict aspf=s refuses subdomain", "a@example.com",
                List.of("_dmarc.example.com=v=DMARC1; p=quarantine; aspf=s"), "pass bounce.example.com", List.of(), 0,
                "fail", "quarantine", "quarantine"),
            row("SPF pass for another domain does not align", "a@example.com", List.of(reject), "pass other.net",
                List.of(), 0, "fail", "reject", "reject"),
            row("DKIM pass for another domain does not align", "a@example.com", List.of(reject), "fail example.com",
                List.of("pass other.net"), 0, "fail", "reject", "reject"),
            row("DKIM fail for the domain does not count", "a@example.com", List.of(reject), null,
                List.of("fail example.com"), 0, "fail", "reject", "reject"),
            row("one aligned pass among failures suffices", "a@example.com", List.of(reject), "softfail example.com",
                List.of("fail example.com", "pass example.com"), 0, "pass", "reject", "none"),
            row("p=none monitors only", "a@example.com", List.of("_dmarc.example.com=v=DMARC1; p=none"), null,
                List.of(), 0, "fail", "none", "none"),
            row("subdomain uses sp= from the org record", "a@news.example.com",
                List.of("_dmarc.example.com=v=DMARC1; p=reject; sp=quarantine"), null, List.of(), 0,
                "fail", "quarantine", "quarantine"),
            row("subdomain without sp= inherits p=", "a@news.example.com", List.of(reject), null, List.of(), 0,
                "fail", "reject", "reject"),
            row("subdomain's own record wins over the org record", "a@news.example.com",
                List.of(reject, "_dmarc.news.example.com=v=DMARC1; p=none"), null, List.of(), 0,
                "fail", "none", "none"),
            row("org domain by the public suffix list", "a@x.y.example.co.uk",
                List.of("_dmarc.example.co.uk=v=DMARC1; p=reject; sp=reject"), null, List.of("pass example.co.uk"), 0,
                "pass", "reject", "none"),
            row("pct=50, sampled in: reject", "a@example.com", List.of("_dmarc.example.com=v=DMARC1; p=reject; pct=50"),
                null, List.of(), 49, "fail", "reject", "reject"),
            row("pct=50, sampled out: reject becomes quarantine", "a@example.com",
                List.of("_dmarc.example.com=v=DMARC1; p=reject; pct=50"), null, List.of(), 50,
                "fail", "reject", "quarantine"),
            row("pct=0 quarantine becomes none", "a@example.com",
                List.of("_dmarc.example.com=v=DMARC1; p=quarantine; pct=0"), null, List.of(), 0,
                "fail", "quarantine", "none"),
            row("two DMARC records mean no policy", "a@example.com",
                List.of(reject, "_dmarc.example.com=v=DMARC1; p=none"), null, List.of(), 0, "none", null, "none"),
            row("non-DMARC TXT records are ignored", "a@example.com",
                List.of(reject, "_dmarc.example.com=some other text"), null, List.of(), 0, "fail", "reject", "reject"),
            row("invalid p= without rua is no policy", "a@example.com",
                List.of("_dmarc.example.com=v=DMARC1; p=bogus"), null, List.of(), 0, "none", null, "none"),
            row("invalid p= with rua is p=none", "a@example.com",
                List.of("_dmarc.example.com=v=DMARC1; p=bogus; rua=mailto:d@example.com"), null, List.of(), 0,
                "fail", "none", "none"),
            row("DNS failure is temperror", "a@example.com", List.of("_dmarc.example.com=TIMEOUT"), null,
                List.of(), 0, "temperror", null, "none"),
            row("DNS failure at the org domain is temperror", "a@news.example.com",
                List.of("_dmarc.example.com=TIMEOUT"), null, List.of(), 0, "temperror", null, "none"),
            row("several From domains: each is checked, none failing passes", "a@example.com, b@other.net",
                List.of(reject), null, List.of("pass example.com"), 0, "pass", "reject", "none"),
            row("several From domains: the strictest failing policy applies", "a@example.com, b@other.net",
                List.of(reject, "_dmarc.other.net=v=DMARC1; p=quarantine"), null, List.of("pass other.net"), 0,
                "fail", "reject", "reject"),
            row("several records at a subdomain: no policy, no org fallback", "a@news.example.com",
                List.of(reject, "_dmarc.news.example.com=v=DMARC1; p=none",
                    "_dmarc.news.example.com=v=DMARC1; p=quarantine"), null, List.of(), 0, "none", null, "none"),
            row("invalid p= at a subdomain: no policy, no org fallback", "a@news.example.com",
                List.of(reject, "_dmarc.news.example.com=v=DMARC1; p=bogus"), null, List.of(), 0, "none", null, "none"),
            row("a subdomain record not starting with v=DMARC1 is discarded: org record", "a@news.example.com",
                List.of("_dmarc.example.com=v=DMARC1; p=reject; sp=quarantine", "_dmarc.news.example.com=p=none; v=DMARC1"),
                null, List.of(), 0, "fail", "quarantine", "quarantine"),
            row("invalid sp= without rua is no policy", "a@example.com",
                List.of("_dmarc.example.com=v=DMARC1; p=reject; sp=bogus"), null, List.of(), 0, "none", null, "none"),
            row("invalid sp= with rua is p=none", "a@news.example.com",
                List.of("_dmarc.example.com=v=DMARC1; p=reject; sp=bogus; rua=mailto:d@example.com"), null, List.of(), 0,
                "fail", "none", "none"),
            row("invalid p= with an rua that is no URI is no policy", "a@example.com",
                List.of("_dmarc.example.com=v=DMARC1; p=bogus; rua=d@example.com"), null, List.of(), 0, "none", null, "none"),
            row("invalid pct= is the default 100", "a@example.com",
                List.of("_dmarc.example.com=v=DMARC1; p=reject; pct=bogus"), null, List.of(), 99, "fail", "reject", "reject"),
            row("org domain under an unlisted suffix: the default rule * (last two labels)", "a@mail.example.unlisted",
                List.of("_dmarc.example.unlisted=v=DMARC1; p=reject; sp=quarantine"), null, List.of("pass example.unlisted"), 0,
                "pass", "quarantine", "none"),
            row("several From fields of one domain are evaluated", "a@example.com\r\nFrom: b@example.com",
                List.of(reject), null, List.of("pass example.com"), 0, "pass", "reject", "none"),
            row("internationalized From domain is looked up in A-label form", "a@b\u00fccher.example",
                List.of("_dmarc.xn--bcher-kva.example=v=DMARC1; p=reject"), null, List.of("pass xn--bcher-kva.example"), 0,
                "pass", "reject", "none"),
            row("8-bit display name does not hide the From domain", "J\u00f6rg <j@example.com>", List.of(reject),
                null, List.of("pass other.net"), 0, "fail", "reject", "reject"),
            row("no From domain is permerror", "undisclosed-recipients:;", List.of(reject), null, List.of(), 0,
                "permerror", null, "none"));
    }

    private static Arguments row(String name, String from, List<String> records, String spf, List<String> dkim,
                                 int sample, String result, String policy, String disposition) {
        return Arguments.of(new Case(name, from, records, spf, dkim, sample, result, policy, disposition));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void followsRfc7489(Case c) {
        ObjectNode zone = new ObjectMapper().createObjectNode();
        for (String record : c.records()) {
            String[] nameAndValue = record.split("=", 2);
            ObjectNode entry = zone.has(nameAndValue[0]) ? (ObjectNode) zone.get(nameAndValue[0])
                : zone.putObject(nameAndValue[0]);
            if (nameAndValue[1].equals("TIMEOUT")) {
                entry.put("TIMEOUT", true);
            } else {
                entry.withArray("TXT").add(nameAndValue[1]);
            }
        }
        SpfResult spf = c.spf() == null ? null
            : new SpfResult(AuthResult.fromWord(c.spf().split(" ")[0]), c.spf().split(" ")[1], null, null);
        List<DkimResult> dkim = new ArrayList<>();
        for (String d : c.dkim()) {
            dkim.add(new DkimResult(AuthResult.fromWord(d.split(" ")[0]), d.split(" ")[1], "s", "rsa-sha256", null,
                null, null));
        }
        RawMessage message = RawMessage.parse(("From: " + c.from() + "\r\nSubject: t\r\n\r\nbody\r\n")
            .getBytes(StandardCharsets.UTF_8));
        DmarcResult result = new DmarcVerifier(new JsonFileResolver(zone), new FixedDraw(c.sample()))
            .verify(message, spf, dkim);
        assertThat(result.result().word()).as("result (%s)", result.reason()).isEqualTo(c.result());
        assertThat(result.policy()).as("policy").isEqualTo(c.policy());
        assertThat(result.disposition()).as("disposition").isEqualTo(c.disposition());
    }
}
