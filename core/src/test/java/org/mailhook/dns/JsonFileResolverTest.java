package org.mailhook.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.mailhook.testing.Corpus;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.net.InetAddresses;

class JsonFileResolverTest {
    private final JsonFileResolver zone = new JsonFileResolver(json("""
        {"example.com": {"TXT": [["v=spf1 ", "-all"], "second"], "A": ["192.0.2.1"],
                         "MX": [{"priority": 10, "exchange": "MX.example.com."}]},
         "slow.example.com": {"TXT": ["v=spf1 -all"], "TIMEOUT": true},
         "alias.example.com": {"CNAME": ["example.com"]},
         "1.2.0.192.in-addr.arpa": {"PTR": ["host.example.com"]}}
        """));

    @Test
    void joinsTxtChunksAndSeparatesRecords() {
        assertThat(zone.txt("EXAMPLE.com.").records()).containsExactly("v=spf1 -all", "second");
    }

    @Test
    void missingNameIsNotFoundAndMissingTypeIsNoData() {
        assertThat(zone.txt("absent.example.com").status()).isEqualTo(DnsAnswer.Status.NOT_FOUND);
        assertThat(zone.aaaa("example.com").status()).isEqualTo(DnsAnswer.Status.NOT_FOUND);
    }

    @Test
    void timeoutAppliesToTypesWithoutRecords() {
        assertThat(zone.txt("slow.example.com").isFound()).isTrue();
        assertThat(zone.a("slow.example.com").isTempFailure()).isTrue();
    }

    @Test
    void followsCnameAndReadsMxAndPtr() {
        assertThat(zone.a("alias.example.com").records()).containsExactly(InetAddresses.forString("192.0.2.1"));
        assertThat(zone.mx("example.com").records()).containsExactly(new MxRecord(10, "mx.example.com"));
        assertThat(zone.ptr(InetAddresses.forString("192.0.2.1")).records()).containsExactly("host.example.com");
    }

    @Test
    void readsTheMailauthDnsFile() throws Exception {
        Path file = Corpus.path("auth/dkim/rfc8463-mailauth/dns.json");
        assertThat(JsonFileResolver.read(file).txt("brisbane._domainkey.football.example.com").records())
            .containsExactly("v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
    }

    private static com.fasterxml.jackson.databind.JsonNode json(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
