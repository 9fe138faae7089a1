package org.mailhook.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.Test;
import org.mailhook.auth.dmarc.FixedDraw;
import org.mailhook.dns.JsonFileResolver;
import org.mailhook.testing.Corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.net.InetAddresses;

class AuthenticatorTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Clock RFC8463_TIME = Clock.fixed(Instant.ofEpochSecond(1_528_637_909L), ZoneOffset.UTC);
    private static final RandomGenerator ALWAYS_SAMPLED = new FixedDraw(0);

    @Test
    void signedMailFromAnAuthorisedHostPassesEverything() throws Exception {
        ObjectNode zone = (ObjectNode) MAPPER.readTree(Files.readAllBytes(Corpus.path("auth/dkim/rfc8463-mailauth/dns.json")));
        zone.putObject("_dmarc.football.example.com").putArray("TXT").add("v=DMARC1; p=reject");
        entry(zone, "football.example.com").putArray("TXT").add("v=spf1 ip4:192.0.2.0/24 -all");
        Authenticator authenticator = new Authenticator(new JsonFileResolver(zone), RFC8463_TIME, ALWAYS_SAMPLED,
            "mx.example.net", Set.of());
        AuthenticationReport report = authenticator.authenticate(
            Files.readAllBytes(Corpus.path("auth/dkim/rfc8463-mailauth/signed.eml")),
            InetAddresses.forString("192.0.2.7"), "mail.football.example.com", "joe@football.example.com");

        JsonNode json = MAPPER.readTree(report.toJson());
        assertThat(fieldNames(json)).containsExactly("spf", "dkim", "dmarc", "arc", "authenticationResults");
        assertThat(fieldNames(json.get("spf"))).containsExactly("result", "domain");
        assertThat(fieldNames(json.get("dkim").get(0))).containsExactly("result", "domain", "selector", "algorithm", "reason");
        assertThat(fieldNames(json.get("dmarc"))).containsExactly("result", "policy", "disposition", "domain");
        assertThat(fieldNames(json.get("arc"))).containsExactly("result", "reason");
        assertThat(json.at("/spf/result").asText()).isEqualTo("pass");
        assertThat(json.at("/spf/domain").asText()).isEqualTo("football.example.com");
        assertThat(json.get("dkim")).extracting(d -> d.get("result").asText() + " " + d.get("algorithm").asText())
            .containsExactly("pass ed25519-sha256", "pass rsa-sha256");
        assertThat(json.at("/dmarc/result").asText()).isEqualTo("pass");
        assertThat(json.at("/dmarc/policy").asText()).isEqualTo("reject");
        assertThat(json.at("/dmarc/disposition").asText()).isEqualTo("none");
        assertThat(json.at("/arc/result").asText()).isEqualTo("none");
        assertThat(json.get("authenticationResults").asText()).isEqualTo(report.authenticationResults())
            .startsWith("mx.example.net;").contains("spf=pass").contains("dmarc=pass");
    }

    @Test
    void spoofedFromIsDmarcFailWithTheDomainsDisposition() throws Exception {
        ObjectNode zone = (ObjectNode) MAPPER.readTree(Files.readAllBytes(Corpus.path("auth/dkim/rfc8463-mailauth/dns.json")));
        zone.putObject("_dmarc.football.example.com").putArray("TXT").add("v=DMARC1; p=reject");
        entry(zone, "football.example.com").putArray("TXT").add("v=spf1 ip4:192.0.2.0/24 -all");
        String tampered = Files.readString(Corpus.path("auth/dkim/rfc8463-mailauth/signed.eml"))
            .replace("We lost the game", "Send the money");
        AuthenticationReport report = new Authenticator(new JsonFileResolver(zone), RFC8463_TIME, ALWAYS_SAMPLED,
            "mx.example.net", Set.of()).authenticate(tampered.getBytes(StandardCharsets.ISO_8859_1),
            InetAddresses.forString("203.0.113.9"), "evil.example", "joe@football.example.com");
        assertThat(report.spf().result()).isEqualTo(AuthResult.FAIL);
        assertThat(report.dkim()).extracting(d -> d.result()).containsOnly(AuthResult.FAIL);
        assertThat(report.dmarc().result()).isEqualTo(AuthResult.FAIL);
        assertThat(report.dmarc().disposition()).isEqualTo("reject");
    }

    @Test
    void trustedArcSealerOverridesADmarcFail() throws Exception {
        JsonNode suite = MAPPER.readTree(Files.readAllBytes(Corpus.path("auth/arc/valimail/arc-draft-validation-tests.json")));
        JsonNode scenario = suite.get(0);
        String message = scenario.at("/tests/cv_pass_i1_1/message").asText();
        assertThat(message).contains("dmarc=pass").contains("From: John Q Doe <jqd@d1.example.org>");
        ObjectNode zone = MAPPER.createObjectNode();
        zone.putObject("dummy._domainkey.example.org").putArray("TXT")
            .add(scenario.at("/txt-records/dummy._domainkey.example.org").asText());
        zone.putObject("_dmarc.d1.example.org").putArray("TXT").add("v=DMARC1; p=reject");
        zone.putObject("d1.example.org").putArray("TXT").add("v=spf1 -all");
        byte[] bytes = message.getBytes(StandardCharsets.ISO_8859_1);

        AuthenticationReport untrusted = new Authenticator(new JsonFileResolver(zone), Clock.systemUTC(), ALWAYS_SAMPLED,
            "mx.example.net", Set.of()).authenticate(bytes, InetAddresses.forString("198.51.100.1"), "lists.example.org",
            "jqd@d1.example.org");
        assertThat(untrusted.arc().result()).isEqualTo(AuthResult.PASS);
        assertThat(untrusted.dmarc().result()).isEqualTo(AuthResult.FAIL);
        assertThat(untrusted.dmarc().disposition()).isEqualTo("reject");

        AuthenticationReport trusted = new Authenticator(new JsonFileResolver(zone), Clock.systemUTC(), ALWAYS_SAMPLED,
            "mx.example.net", Set.of("Example.org")).authenticate(bytes, InetAddresses.forString("198.51.100.1"),
            "lists.example.org", "jqd@d1.example.org");
        assertThat(trusted.dmarc().result()).isEqualTo(AuthResult.FAIL);
        assertThat(trusted.dmarc().disposition()).isEqualTo("none");
        assertThat(trusted.authenticationResults()).contains("trusted ARC sealer example.org");
    }

    @Test
    void dnsOutageGivesTemperrorNotAnException() throws Exception {
        ObjectNode zone = MAPPER.createObjectNode();
        for (String name : List.of("football.example.com", "_dmarc.football.example.com",
            "brisbane._domainkey.football.example.com", "test._domainkey.football.example.com")) {
            zone.putObject(name).put("TIMEOUT", true);
        }
        AuthenticationReport report = new Authenticator(new JsonFileResolver(zone), RFC8463_TIME, ALWAYS_SAMPLED, "mx",
            Set.of()).authenticate(Files.readAllBytes(Corpus.path("auth/dkim/rfc8463-mailauth/signed.eml")),
            InetAddresses.forString("192.0.2.7"), "h.example", "joe@football.example.com");
        assertThat(report.spf().result()).isEqualTo(AuthResult.TEMPERROR);
        assertThat(report.dkim()).extracting(d -> d.result()).containsOnly(AuthResult.TEMPERROR);
        assertThat(report.dmarc().result()).isEqualTo(AuthResult.TEMPERROR);
    }

    @Test
    void garbageInputStillGivesAReport() {
        AuthenticationReport report = new Authenticator(new JsonFileResolver(MAPPER.createObjectNode()), RFC8463_TIME,
            ALWAYS_SAMPLED, "mx", Set.of()).authenticate(new byte[] {0, 1, 2, '\n', ':', '\n'},
            InetAddresses.forString("192.0.2.7"), "", "");
        assertThat(report.spf().result()).isEqualTo(AuthResult.NONE);
        assertThat(report.dmarc().result()).isEqualTo(AuthResult.PERMERROR);
        assertThat(report.toJson()).contains("\"dkim\":[]");
    }

    private static ObjectNode entry(ObjectNode zone, String name) {
        return zone.has(name) ? (ObjectNode) zone.get(name) : zone.putObject(name);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        Iterator<String> iterator = node.fieldNames();
        iterator.forEachRemaining(names::add);
        return names;
    }
}
