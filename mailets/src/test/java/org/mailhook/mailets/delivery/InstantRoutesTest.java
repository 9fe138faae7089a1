package org.mailhook.mailets.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.memory.MemoryMailRepository;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.Test;
import org.mailhook.webhook.InstantAddress;
import org.mailhook.mailets.RecordMails;
import org.mailhook.webhook.Routes;
import org.mailhook.webhook.ServerKey;
import org.mailhook.webhook.SsrfGuard;

class InstantRoutesTest {
    private static final SsrfGuard STRICT = new SsrfGuard(SsrfGuard.Policy.strict(), okhttp3.Dns.SYSTEM);
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String OWN_SECRET = "whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0";

    private final MemoryMailRepository repository = new MemoryMailRepository();
    private final ServerKey key = new ServerKey(new byte[32], new SecureRandom());
    private final InstantAddressStore store = new InstantAddressStore(repository, Optional.of(key));
    private final Routes configured = Routes.fromParameters(Map.of("url", "https://hooks.example/in", "secret", SECRET)::get,
        name -> Optional.empty());
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-29T06:00:00Z"));
    private final Clock clock = new Clock() {
        @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now.get(); }
    };

    @Test
    void aMintedAddressWinsOverTheWildcardOnceReReadAndIsGoneAfterRevocation() throws Exception {
        InstantRoutes routes = new InstantRoutes(() -> configured, store, clock, Duration.ofSeconds(2));
        assertThat(routes.get().resolve(List.of("x@inbound.example")).deliveries().get(0).endpoint().name()).isEqualTo("default");

        InstantAddress minted = store.mint("Inbound.Example", "https://signup.example/hook", Optional.empty(),
            STRICT, new SecureRandom(), now.get().toEpochMilli());
        assertThat(minted.address()).matches("[a-z0-9]{20}@inbound\\.example");
        // not yet re-read
        assertThat(routes.get().resolve(List.of(minted.address())).deliveries().get(0).endpoint().name()).isEqualTo("default");
        now.set(now.get().plusSeconds(2));
        Routes.Delivery delivery = routes.get().resolve(List.of(minted.address().toUpperCase())).deliveries().get(0);
        assertThat(delivery.endpoint().name()).isEqualTo("instant-" + minted.address().substring(0, 20));
        assertThat(delivery.endpoint().url().toString()).isEqualTo("https://signup.example/hook");
        // no secret of its own: signs with the configured endpoint's
        assertThat(delivery.endpoint().secrets()).hasSize(1);
        assertThat(routes.get().endpoint(delivery.endpoint().name())).isPresent();

        assertThat(store.revoke(minted.address())).isTrue();
        assertThat(store.revoke(minted.address())).isFalse();
        now.set(now.get().plusSeconds(2));
        assertThat(routes.get().resolve(List.of(minted.address())).deliveries().get(0).endpoint().name()).isEqualTo("default");
    }

    @Test
    void anAddressMintedSinceTheLastReadIsRoutedToItsEndpointAtOnceEvenUnderACatchAll() throws Exception {
        InstantRoutes routes = new InstantRoutes(() -> configured, store, clock, Duration.ofSeconds(2));
        routes.get();
        InstantAddress minted = store.mint("inbound.example", "https://signup.example/hook", Optional.empty(),
            STRICT, new SecureRandom(), now.get().toEpochMilli());
        assertThat(store.contains(minted.address().toUpperCase(java.util.Locale.ROOT))).isTrue();
        assertThat(store.contains("zzzzzzzzzzzzzzzzzzzz@inbound.example")).isFalse();
        assertThat(store.contains("not an instant local part@inbound.example")).isFalse();
        assertThat(store.contains(minted.local() + "@other.example")).as("same local part, other domain").isFalse();

        // The configured route is a catch-all: the stale table sends the new address to "default" ...
        assertThat(routes.get().resolve(List.of(minted.address())).deliveries().get(0).endpoint().name()).isEqualTo("default");
        // ... while the table for these recipients looks the address up and routes it to its own endpoint at once.
        List<String> recipients = List.of("someone@inbound.example", minted.address().toUpperCase(java.util.Locale.ROOT));
        Routes table = routes.forRecipients(recipients);
        assertThat(table.resolve(recipients).deliveries()).extracting(d -> d.endpoint().name())
            .as("routed within the refresh interval").containsExactlyInAnyOrder("default", "instant-" + minted.local());
        assertThat(routes.forRecipients(List.of("zzzzzzzzzzzzzzzzzzzz@inbound.example"))).as("an unknown minted-form address reads nothing again")
            .isSameAs(table);
    }

    @Test
    void anAddressKeepsItsOwnSecretAndBadInputIsRefusedWithoutShowingIt() throws Exception {
        InstantAddress minted = store.mint("inbound.example", "https://a.example/h?token=t", Optional.of(OWN_SECRET),
            STRICT, new SecureRandom(), 1L);
        assertThat(store.list()).singleElement().satisfies(a -> {
            assertThat(a.secret()).contains(OWN_SECRET);
            assertThat(a.toString()).doesNotContain(OWN_SECRET);
        });
        assertThat(store.endpoints(configured.endpoints().stream().findFirst()).get(minted.address()).secrets()).hasSize(1);
        assertThatThrownBy(() -> store.mint("inbound.example", "ftp://x", Optional.empty(), STRICT, new SecureRandom(), 1L))
            .hasMessageStartingWith("url:");
        assertThatThrownBy(() -> store.mint("inbound.example", "https://x.example", Optional.of("whsec_tooshort"), STRICT, new SecureRandom(), 1L))
            .hasMessageNotContaining("tooshort");
        // Internal addresses in any notation are refused before anything is stored, unless the policy opens their range.
        for (String url : List.of("http://169.254.169.254/latest", "http://10.0.0.1/", "http://2130706433/", "http://[::ffff:127.0.0.1]/",
            "http://0x7f.0.0.1:8025/", "http://[64:ff9b::a9fe:a9fe]/")) {
            assertThatThrownBy(() -> store.mint("inbound.example", url, Optional.empty(), STRICT, new SecureRandom(), 1L)).as(url)
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("url: host").hasMessageContaining("refused by the SSRF guard");
        }
        SsrfGuard lan = new SsrfGuard(SsrfGuard.Policy.fromParameters(Map.of("allowPrivate", "true")::get), okhttp3.Dns.SYSTEM);
        assertThat(store.mint("inbound.example", "http://10.0.0.1/", Optional.empty(), lan, new SecureRandom(), 1L).url()).isEqualTo("http://10.0.0.1/");
        assertThatThrownBy(() -> store.mint("inbound.example", "http://169.254.169.254/", Optional.empty(), lan, new SecureRandom(), 1L))
            .hasMessageContaining("is metadata");
        assertThat(store.list()).hasSize(2);
    }

    @Test
    void theStoredRecordHoldsTheSecretOnlySealedAndWithoutAKeyASecretIsRefused() throws Exception {
        InstantAddress minted = store.mint("inbound.example", "https://a.example/h", Optional.of(OWN_SECRET), STRICT, new SecureRandom(), 1L);

        Mail record = repository.retrieve(new MailKey(minted.local()));
        assertThat(record.attributes().map(Attribute::getValue).map(AttributeValue::getValue).map(String::valueOf))
            .noneMatch(value -> value.contains(OWN_SECRET) || value.contains(OWN_SECRET.substring("whsec_".length())));
        assertThat(record.getAttribute(AttributeName.of("mailhook.instant.secret"))).isEmpty();
        assertThat(record.getAttribute(AttributeName.of("mailhook.instant.sealedSecret"))).isPresent();
        assertThat(store.endpoints(Optional.empty()).get(minted.address()).secrets()).hasSize(1);

        byte[] another = new byte[32];
        java.util.Arrays.fill(another, (byte) 7);
        InstantAddressStore otherKey = new InstantAddressStore(repository, Optional.of(new ServerKey(another, new SecureRandom())));
        assertThat(otherKey.list()).as("a secret that does not open is not routed with another one").isEmpty();
        InstantAddressStore keyless = new InstantAddressStore(repository, Optional.empty());
        assertThatThrownBy(() -> keyless.mint("inbound.example", "https://a.example/h", Optional.of(OWN_SECRET), STRICT, new SecureRandom(), 1L))
            .hasMessageStartingWith("secret:").hasMessageContaining("secrets.keyFile").hasMessageNotContaining(OWN_SECRET);
        assertThat(keyless.mint("inbound.example", "https://a.example/h", Optional.empty(), STRICT, new SecureRandom(), 2L).secret()).isEmpty();
    }

    @Test
    void aPlainSecretAnEarlierVersionStoredIsSealedWhenRead() throws Exception {
        RecordMails.store(repository, "abcdefghijkmnpqrstuvw", List.of("abcdefghijkmnpqrstuvw@inbound.example"), "old", "old\r\n", List.of(
            new Attribute(AttributeName.of("mailhook.instant.address"), AttributeValue.of("abcdefghijkmnpqrstuvw@inbound.example")),
            new Attribute(AttributeName.of("mailhook.instant.url"), AttributeValue.of("https://a.example/h")),
            new Attribute(AttributeName.of("mailhook.instant.createdAt"), AttributeValue.of(5L)),
            new Attribute(AttributeName.of("mailhook.instant.secret"), AttributeValue.of(OWN_SECRET))));

        assertThat(store.list()).singleElement().satisfies(a -> assertThat(a.secret()).contains(OWN_SECRET));
        Mail record = repository.retrieve(new MailKey("abcdefghijkmnpqrstuvw"));
        assertThat(record.getAttribute(AttributeName.of("mailhook.instant.secret"))).isEmpty();
        assertThat(store.list()).singleElement().satisfies(a -> {
            assertThat(a.secret()).contains(OWN_SECRET);
            assertThat(a.createdAtMillis()).isEqualTo(5L);
        });
    }
}
