package org.mailhook.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.doctor.DoctorDns;
import org.mailhook.doctor.Finding;
import org.mailhook.doctor.KnotDns;

/** Snapshots read from a real authoritative server (knotd) whose zone the test replaces, and the events they give. */
class DriftWatchTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RECORDS = """
        @ MX 10 mx1.watched.example.
        @ TXT "v=spf1 ip4:192.0.2.1 -all"
        _dmarc TXT "v=DMARC1; p=none; rua=mailto:d@watched.example"
        _mta-sts TXT "v=STSv1; id=20260101"
        _smtp._tls TXT "v=TLSRPTv1; rua=mailto:tls@watched.example"
        s1._domainkey TXT "v=DKIM1; k=rsa; p=AAAA"
        """;

    private final Clock clock = Clock.fixed(Instant.parse("2026-12-07T10:00:00Z"), ZoneOffset.UTC);

    @Test
    void firstSnapshotIsTheBaselineAndAChangeListsEachItemWithBeforeAndAfter(@TempDir Path dir) throws Exception {
        try (KnotDns dns = KnotDns.start(Files.createDirectories(dir.resolve("knot")), List.of(zone(RECORDS)))) {
            DriftWatch watch = new DriftWatch();
            DnsSnapshot first = read(dns);
            assertThat(first.items()).containsEntry("mx", DriftItem.present("10 mx1.watched.example"))
                .containsEntry("ns", DriftItem.present("ns.example.com"))
                .containsEntry("spf", DriftItem.present("v=spf1 ip4:192.0.2.1 -all"))
                .containsEntry("mta-sts", DriftItem.present("20260101"))
                .containsEntry("dkim.s1", DriftItem.present("v=DKIM1; k=rsa; p=AAAA"))
                .containsEntry("dkim.s2", DriftItem.absent());
            assertThat(watch.observe(first)).isEmpty();
            assertThat(watch.observe(read(dns))).as("nothing changed").isEmpty();

            dns.replace(zone(RECORDS.replace("@ MX 10 mx1.watched.example.", "@ MX 10 mx1.watched.example.\n@ MX 20 mx2.watched.example.")
                .replace("p=none", "p=reject").replace("id=20260101", "id=20261207")
                .replace("s1._domainkey TXT \"v=DKIM1; k=rsa; p=AAAA\"", "s2._domainkey TXT \"v=DKIM1; k=rsa; p=BBBB\"")));
            Optional<DriftEvent> event = watch.observe(read(dns));
            assertThat(event).isPresent();
            JsonNode json = JSON.readTree(event.get().toJson());
            assertThat(schemaErrors(json)).as("docs/schema/dns-drift-v1.json").isEmpty();
            assertThat(json.path("schema").asText()).isEqualTo("mailhook.dns_drift.v1");
            assertThat(json.path("id").asText()).matches("drift_[0-9a-f]{32}");
            assertThat(json.path("domain").asText()).isEqualTo("watched.example");
            assertThat(json.path("changes").findValuesAsText("item")).containsExactly("dkim.s1", "dkim.s2", "dmarc", "mta-sts", "mx");
            assertThat(json.at("/changes/0/after/state").asText()).as("key removed").isEqualTo("absent");
            assertThat(json.at("/changes/0/after/value").isNull()).isTrue();
            assertThat(json.at("/changes/1/before/state").asText()).isEqualTo("absent");
            assertThat(json.at("/changes/2/before/value").asText()).contains("p=none");
            assertThat(json.at("/changes/2/after/value").asText()).contains("p=reject");
            assertThat(json.at("/changes/3/after/value").asText()).isEqualTo("20261207");
            assertThat(json.at("/changes/4/after/value").asText()).isEqualTo("10 mx1.watched.example | 20 mx2.watched.example");
            assertThat(json.at("/records/spf/state").asText()).isEqualTo("present");
            assertThat(watch.observe(read(dns))).as("the new state is the baseline").isEmpty();

            dns.close();
            DnsSnapshot down = read(dns);
            assertThat(down.items().values()).allMatch(item -> item.state() == DriftItem.State.TEMPERROR);
            assertThat(watch.observe(down)).as("a failed lookup is a state, not a removal").isEmpty();
        }
    }

    @Test
    void itemsUnknownOnEitherSideAreNotComparedAndTheLastKnownValueStays() {
        DnsSnapshot before = snapshot(Map.of("mx", DriftItem.present("10 a"), "spf", DriftItem.present("v=spf1 -all")));
        DnsSnapshot failed = snapshot(Map.of("mx", DriftItem.temperror(), "spf", DriftItem.present("v=spf1 -all")));
        DnsSnapshot back = snapshot(Map.of("mx", DriftItem.present("10 b"), "spf", DriftItem.present("v=spf1 -all")));
        DriftWatch watch = new DriftWatch();
        assertThat(watch.observe(before)).isEmpty();
        assertThat(watch.observe(failed)).isEmpty();
        DriftEvent event = watch.observe(back).orElseThrow();
        assertThat(event.changes()).containsExactly(new DriftChange("mx", DriftItem.present("10 a"), DriftItem.present("10 b")));
        assertThat(event.id()).isEqualTo(new DriftEvent(event.before(), event.after(), event.changes()).id());
    }

    @Test
    void aProbedCertificateNearingExpiryIsAChangeAndNoCertificateIsTemperror() {
        // Nothing answers DNS here: the records are temperror, only the probe's findings count.
        DoctorDns nobody = DoctorDns.at("127.0.0.1:9", Duration.ofMillis(200));
        SnapshotReader reader = new SnapshotReader(clock);
        String mx = "mx1.watched.example [192.0.2.10]:25";
        DriftWatch watch = new DriftWatch();
        DnsSnapshot valid = reader.read(nobody, "watched.example", List.of(), Optional.of(List.of(
            Finding.pass("smtp.banner", mx, "220 hi"), Finding.pass("smtp.cert-expiry", mx, "certificate valid until 2027-06-01"))));
        assertThat(valid.items()).containsEntry("mx-certificate", DriftItem.present(mx + " valid"));
        assertThat(watch.observe(valid)).isEmpty();
        assertThat(watch.observe(reader.read(nobody, "watched.example", List.of(), Optional.of(List.of(
            Finding.fail("smtp.banner", mx, "connection refused", "")))))).as("no certificate seen: temperror").isEmpty();
        DriftEvent event = watch.observe(reader.read(nobody, "watched.example", List.of(), Optional.of(List.of(
            Finding.warn("smtp.cert-expiry", mx, "certificate expires 2026-12-10, in less than 14 days", "renew it"))))).orElseThrow();
        assertThat(event.changes()).containsExactly(
            new DriftChange("mx-certificate", DriftItem.present(mx + " valid"), DriftItem.present(mx + " expiring")));
        assertThat(reader.read(nobody, "watched.example", List.of(), Optional.empty()).items()).doesNotContainKey("mx-certificate");
    }

    private static List<String> schemaErrors(JsonNode event) throws Exception {
        JsonNode schema = JSON.readTree(Files.readString(Path.of("..", "docs", "schema", "dns-drift-v1.json")));
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schema, config).validate(event).stream()
            .map(ValidationMessage::toString).toList();
    }

    private DnsSnapshot snapshot(Map<String, DriftItem> items) {
        return new DnsSnapshot("watched.example", "test", clock.instant(), items);
    }

    private DnsSnapshot read(KnotDns dns) {
        return new SnapshotReader(clock).read(DoctorDns.at(dns.address(), Duration.ofMillis(500)), "watched.example", List.of("s1", "s2"));
    }

    private static KnotDns.Zone zone(String records) {
        return new KnotDns.Zone("watched.example", records, false);
    }
}
