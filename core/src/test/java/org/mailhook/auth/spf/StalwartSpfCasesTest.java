package org.mailhook.auth.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.mailhook.dns.DnsAnswer;
import org.mailhook.dns.DnsResolver;
import org.mailhook.dns.JsonFileResolver;
import org.mailhook.dns.MxRecord;
import org.mailhook.testing.Corpus;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.net.InetAddresses;

/**
 * stalwartlabs/mail-auth's SPF cases (a line-based YAML). As in its harness, each address of an
 * {@code mx:} line is its own exchange, so the 10-address limit is reached in order.
 */
class StalwartSpfCasesTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Cases where stalwart's expectation contradicts RFC 7208; we follow the RFC (and its suite). */
    private static final Map<String, String> RFC_OVER_STALWART = Map.of(
        "all.yml test.org 10.0.0.1", "'-all ip:10.0.0.1': an unknown mechanism anywhere is permerror (4.6, 5)",
        "basic.yml ok.test.org 172.168.0.1", "ten a: lookups of absent names exceed the void lookup limit (4.6.4)",
        "exists.yml ip6.test.org 167.1.2.3", "exists queries A records only, even for IPv6 clients (5.7)",
        "macro.yml mx.example.org 2001:db8::cb01", "exists queries A records only, even for IPv6 clients (5.7)");

    /** Stalwart's harness makes names starting with {@code _dns_error} fail like a DNS outage. */
    private record DnsErrorNames(DnsResolver zone) implements DnsResolver {
        private boolean failing(String name) {
            return name.startsWith("_dns_error");
        }

        public DnsAnswer<String> txt(String name) {
            return failing(name) ? DnsAnswer.tempFailure() : zone.txt(name);
        }

        public DnsAnswer<java.net.InetAddress> a(String name) {
            return failing(name) ? DnsAnswer.tempFailure() : zone.a(name);
        }

        public DnsAnswer<java.net.InetAddress> aaaa(String name) {
            return failing(name) ? DnsAnswer.tempFailure() : zone.aaaa(name);
        }

        public DnsAnswer<MxRecord> mx(String name) {
            return failing(name) ? DnsAnswer.tempFailure() : zone.mx(name);
        }

        public DnsAnswer<String> ptr(java.net.InetAddress address) {
            return zone.ptr(address);
        }

        public DnsAnswer<String> cname(String name) {
            return failing(name) ? DnsAnswer.tempFailure() : zone.cname(name);
        }
    }

    @Test
    void passesEveryStalwartCase() throws Exception {
        List<String> failures = new ArrayList<>();
        int total = 0;
        int divergences = 0;
        List<Path> files;
        try (Stream<Path> list = Files.list(Corpus.path("auth/spf/stalwart"))) {
            files = list.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
        }
        Clock clock = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);
        for (Path file : files) {
            for (String document : Files.readString(file).split("\n---")) {
                // Stalwart's format is stateful: keys set the current HELO/sender/IP or (re)define a
                // record, and each "expect" line checks with the state at that point.
                ObjectNode zone = MAPPER.createObjectNode();
                String helo = "";
                String sender = "";
                String ip = null;
                boolean heloDocument = document.contains("name: HELO identity");
                for (String rawLine : document.split("\n")) {
                    String line = rawLine.strip();
                    if (line.startsWith("- ")) {
                        line = line.substring(2);
                    }
                    int colon = line.indexOf(':');
                    if (line.startsWith("#") || colon < 0) {
                        continue;
                    }
                    String key = line.substring(0, colon).strip();
                    String value = line.substring(colon + 1).strip();
                    switch (key) {
                        case "domain" -> helo = value;
                        case "sender" -> sender = value;
                        case "ip" -> ip = value;
                        case "expect" -> {
                            total++;
                            SpfVerifier verifier = new SpfVerifier(new DnsErrorNames(new JsonFileResolver(zone)), clock);
                            SpfResult result = heloDocument
                                ? verifier.checkHelo(InetAddresses.forString(ip), helo)
                                : verifier.check(InetAddresses.forString(ip), helo, sender);
                            String[] expect = value.split(" ", 2);
                            boolean ok = result.result().word().equals(expect[0])
                                && (expect.length == 1 || expect[1].strip().equals(result.explanation()));
                            String where = file.getFileName() + " " + helo + " " + ip;
                            if (!ok && !RFC_OVER_STALWART.containsKey(where)) {
                                failures.add(where + " sender=" + sender + " expected " + value + " got " + result);
                            }
                            if (!ok) {
                                divergences++;
                            }
                        }
                        default -> addRecord(zone, key, value);
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "stalwart SPF cases: %d/%d agree, %d differ where RFC 7208 says otherwise%n",
            total - divergences, total, divergences);
        assertThat(total).isEqualTo(163);
        assertThat(failures).isEmpty();
        assertThat(divergences).isEqualTo(RFC_OVER_STALWART.size());
    }

    private static void addRecord(ObjectNode zone, String type, String value) {
        String[] nameAndData = value.split(" ", 2);
        String name = nameAndData[0];
        String data = nameAndData.length > 1 ? nameAndData[1].strip() : "";
        switch (type) {
            case "spf", "exp" -> entry(zone, name).putArray("TXT").add(data);
            case "a" -> split(data).forEach(ip -> entry(zone, name).withArray("A").add(ip));
            case "aaaa" -> split(data).forEach(ip -> entry(zone, name).withArray("AAAA").add(ip));
            case "ptr" -> split(data).forEach(host ->
                entry(zone, DnsResolver.reverseName(InetAddresses.forString(name))).withArray("PTR").add(host));
            case "mx" -> {
                List<String> addresses = split(data);
                for (int i = 0; i < addresses.size(); i++) {
                    String exchange = "mx" + i + "." + name + ".exchange.test";
                    entry(zone, name).withArray("MX").addObject().put("priority", i).put("exchange", exchange);
                    String address = addresses.get(i);
                    entry(zone, exchange).withArray(address.contains(":") ? "AAAA" : "A").add(address);
                }
            }
            default -> { }
        }
    }

    private static ObjectNode entry(ObjectNode zone, String name) {
        String key = DnsResolver.normalize(name);
        return zone.has(key) ? (ObjectNode) zone.get(key) : zone.putObject(key);
    }

    private static List<String> split(String data) {
        List<String> values = new ArrayList<>();
        for (String value : data.split(",")) {
            if (!value.isBlank()) {
                values.add(value.strip());
            }
        }
        return values;
    }
}
