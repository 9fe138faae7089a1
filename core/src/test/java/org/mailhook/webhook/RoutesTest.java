package org.mailhook.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.testing.MutableClock;

class RoutesTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ORDERS_SECRET = WebhookSecret.generate(RANDOM);
    private static final String OLD_SECRET = WebhookSecret.generate(RANDOM);
    private static final String SIGNING_KEY = WebhookSigningKey.generate(RANDOM);
    private static final Function<String, Optional<String>> ENV = name -> Optional.ofNullable(Map.of(
        "ORDERS_SECRET", ORDERS_SECRET, "SIGNING_KEY", SIGNING_KEY, "HOOK_TOKEN", "t0ken").get(name));

    private static final String FILE = """
        {
          "endpoints": {
            "orders": {"url": "https://hooks.shop.example/mail?token=${env:HOOK_TOKEN}",
                       "secrets": ["${env:ORDERS_SECRET}", "%s"], "signingKey": "${env:SIGNING_KEY}",
                       "connectTimeout": "2s", "readTimeout": "15s", "callTimeout": "20s", "maxConcurrent": 8},
            "support": {"url": "https://support.example/in", "secrets": ["${env:ORDERS_SECRET}"]},
            "archive": {"url": "https://archive.example/in", "secrets": ["${env:ORDERS_SECRET}"]}
          },
          "routes": [
            {"recipient": "orders+{tag}@shop.example", "endpoints": ["orders"]},
            {"recipient": "ceo@shop.example", "endpoints": ["support"]},
            {"recipient": "*@shop.example", "endpoints": ["support", "archive"]},
            {"recipient": "*@archive.example", "endpoints": ["archive"]}
          ]
        }
        """.formatted(OLD_SECRET);

    @Test
    void routesFileResolvesEachEndpointOnceWithItsRecipients() {
        Routes routes = Routes.parseJson(FILE, ENV);
        Routes.Resolution resolution = routes.resolve(List.of(
            "orders+Invoice-42@Shop.Example", "orders@shop.example", "CEO@shop.example", "bob@shop.example",
            "alice@archive.example", "someone@elsewhere.example", "not-an-address"));

        assertThat(resolution.deliveries()).extracting(d -> d.endpoint().name()).containsExactly("orders", "support", "archive");
        Map<String, List<Routes.RoutedRecipient>> byName = new HashMap<>();
        resolution.deliveries().forEach(d -> byName.put(d.endpoint().name(), d.recipients()));
        assertThat(byName.get("orders")).containsExactly(
            new Routes.RoutedRecipient("orders+Invoice-42@Shop.Example", Optional.of("Invoice-42")),
            new Routes.RoutedRecipient("orders@shop.example", Optional.empty()));
        // The exact route wins over the catch-all for the CEO; bob falls to the catch-all (two endpoints).
        assertThat(byName.get("support")).extracting(Routes.RoutedRecipient::address)
            .containsExactly("CEO@shop.example", "bob@shop.example");
        assertThat(byName.get("archive")).extracting(Routes.RoutedRecipient::address)
            .containsExactly("bob@shop.example", "alice@archive.example");
        assertThat(resolution.unrouted()).containsExactly("someone@elsewhere.example", "not-an-address");

        Endpoint orders = routes.endpoint("orders").orElseThrow();
        assertThat(orders.secrets()).hasSize(2);
        assertThat(orders.signingKey()).isPresent();
        assertThat(orders.url().queryParameter("token")).isEqualTo("t0ken");
        assertThat(orders.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(orders.readTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(orders.callTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(orders.maxConcurrent()).isEqualTo(8);
    }

    @Test
    void endpointsNeverDisplayKeysOrUrlTokens() {
        Endpoint orders = Routes.parseJson(FILE, ENV).endpoint("orders").orElseThrow();
        String shown = orders + " " + orders.displayUrl() + " " + orders.secrets() + " " + orders.signingKey();
        assertThat(shown).doesNotContain(ORDERS_SECRET.substring(6), OLD_SECRET.substring(6), SIGNING_KEY.substring(5), "t0ken");
        assertThat(orders.toString()).isEqualTo("Endpoint[orders https://hooks.shop.example/mail?***, 2 whsec_***, whsk_***]");
    }

    @Test
    void wildcardCatchesEverythingLeftOver() {
        Routes routes = Routes.fromParameters(Map.of("url", "https://hooks.example/in", "secret", ORDERS_SECRET)::get, ENV);
        Routes.Resolution resolution = routes.resolve(List.of("a@x.example", "b@y.example"));
        assertThat(resolution.deliveries()).hasSize(1);
        assertThat(resolution.deliveries().get(0).endpoint().name()).isEqualTo("default");
        assertThat(resolution.deliveries().get(0).recipients()).hasSize(2);
        assertThat(resolution.unrouted()).isEmpty();
    }

    @Test
    void mailetParametersDescribeOneEndpoint() {
        Map<String, String> parameters = Map.of(
            "url", "https://hooks.example/in",
            "secret", "${env:ORDERS_SECRET}, " + OLD_SECRET,
            "signingKey", "${env:SIGNING_KEY}",
            "recipients", "orders+{tag}@shop.example, *@support.example",
            "name", "shop",
            "readTimeout", "5s",
            "maxConcurrent", "2",
            "callTimeout", " ");
        Routes routes = Routes.fromParameters(parameters::get, ENV);
        Endpoint shop = routes.endpoint("shop").orElseThrow();
        assertThat(shop.secrets()).hasSize(2);
        assertThat(shop.readTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(shop.maxConcurrent()).isEqualTo(2);
        assertThat(shop.callTimeout()).as("blank means not set").isEqualTo(Endpoint.DEFAULT_CALL_TIMEOUT);
        Routes.Resolution resolution = routes.resolve(List.of("orders+x@shop.example", "help@support.example", "bob@shop.example"));
        assertThat(resolution.deliveries().get(0).recipients()).extracting(Routes.RoutedRecipient::tag)
            .containsExactly(Optional.of("x"), Optional.empty());
        assertThat(resolution.unrouted()).containsExactly("bob@shop.example");
    }

    @Test
    void badConfigurationNamesTheKeyAndNeverTheSecret() {
        String shortSecret = "whsec_c2hvcnQ=";
        assertThatThrownBy(() -> Routes.fromParameters(Map.of("secret", ORDERS_SECRET)::get, ENV)).hasMessage("url: required");
        assertThatThrownBy(() -> Routes.fromParameters(Map.of("url", "ftp://x", "secret", ORDERS_SECRET)::get, ENV))
            .hasMessageStartingWith("url:");
        assertThatThrownBy(() -> Routes.fromParameters(Map.of("url", "https://x.example")::get, ENV))
            .hasMessageStartingWith("secret:");
        assertThatThrownBy(() -> Routes.fromParameters(Map.of("url", "https://x.example", "secret", shortSecret)::get, ENV))
            .hasMessageStartingWith("secret:").hasMessageNotContaining("c2hvcnQ");
        assertThatThrownBy(() -> Routes.fromParameters(Map.of("url", "https://x.example", "secret", "${env:NOPE}")::get, ENV))
            .hasMessage("secret: environment variable NOPE is not set");
        assertThatThrownBy(() -> Routes.fromParameters(Map.of("url", "https://x.example", "secret", ORDERS_SECRET,
            "recipients", "orders@")::get, ENV)).hasMessageStartingWith("recipients: 'orders@'");
        assertThatThrownBy(() -> Routes.fromParameters(Map.of("url", "https://x.example", "secret", ORDERS_SECRET,
            "readTimeout", "soon")::get, ENV)).hasMessageStartingWith("readTimeout: 'soon'");

        assertThatThrownBy(() -> Routes.parseJson(FILE.replace("\"readTimeout\": \"15s\"", "\"readTimout\": \"15s\""), ENV))
            .hasMessageStartingWith("endpoints.orders.readTimout: unknown key");
        assertThatThrownBy(() -> Routes.parseJson(FILE.replace("\"${env:ORDERS_SECRET}\", \"" + OLD_SECRET,
            "\"${env:ORDERS_SECRET}\", \"" + shortSecret), ENV))
            .hasMessageStartingWith("endpoints.orders.secrets[1]:").hasMessageNotContaining("c2hvcnQ");
        assertThatThrownBy(() -> Routes.parseJson(FILE.replace("\"maxConcurrent\": 8", "\"maxConcurrent\": 0"), ENV))
            .hasMessageStartingWith("endpoints.orders.maxConcurrent:");
        assertThatThrownBy(() -> Routes.parseJson(FILE.replace("\"callTimeout\": \"20s\"", "\"callTimeout\": \"0s\""), ENV))
            .hasMessageStartingWith("endpoints.orders.callTimeout: must be positive");
        assertThatThrownBy(() -> Routes.parseJson(FILE.replace("[\"orders\"]", "[\"ordrs\"]"), ENV))
            .hasMessage("routes[0].endpoints[0]: no endpoint named 'ordrs'");
        assertThatThrownBy(() -> Routes.parseJson(FILE.replace("\"*@archive.example\"", "\"a*b@archive.example\""), ENV))
            .hasMessageStartingWith("routes[3].recipient:");
        assertThatThrownBy(() -> Routes.parseJson(FILE.replace("\"https://support.example/in\"", "\"\""), ENV))
            .hasMessageStartingWith("endpoints.support.url:");
        assertThatThrownBy(() -> Routes.parseJson("{\"endpoints\": {", ENV)).hasMessageStartingWith("not JSON");
    }

    @Test
    void theRoutesFileIsReloadedWhenItChangesAndKeepsTheLastGoodVersion(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("routes.json");
        Files.writeString(file, FILE);
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        RoutesFile routesFile = new RoutesFile(file, clock, Duration.ofSeconds(5), ENV);
        assertThat(routesFile.current().endpoints()).hasSize(3);

        Files.writeString(file, FILE.replace("\"*@archive.example\"", "\"*@vault.example\""));
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-01T00:00:01Z")));
        // Not checked again before the interval has passed.
        assertThat(routesFile.current().resolve(List.of("x@vault.example")).unrouted()).containsExactly("x@vault.example");
        clock.advance(Duration.ofSeconds(5));
        assertThat(routesFile.current().resolve(List.of("x@vault.example")).unrouted()).isEmpty();
        assertThat(routesFile.lastError()).isEmpty();

        Files.writeString(file, FILE.replace("\"url\": \"https://support.example/in\",", ""));
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-01T00:00:02Z")));
        clock.advance(Duration.ofSeconds(5));
        Routes kept = routesFile.current();
        assertThat(kept.resolve(List.of("x@vault.example")).unrouted()).isEmpty();
        assertThat(routesFile.lastError().orElseThrow()).contains("endpoints.support.url").contains("keeping the routes");

        Files.delete(file);
        clock.advance(Duration.ofSeconds(5));
        assertThat(routesFile.current()).isSameAs(kept);
        assertThat(routesFile.lastError().orElseThrow()).contains("cannot be read");
    }

    @Test
    void aBrokenRoutesFileFailsAtStart(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("routes.json");
        Files.writeString(file, "{\"endpoints\": {}, \"routes\": []}");
        assertThatThrownBy(() -> new RoutesFile(file, Clock.systemUTC(), RoutesFile.DEFAULT_CHECK_INTERVAL, ENV))
            .hasMessageContaining("endpoints: must be an object with at least one endpoint");
        assertThatThrownBy(() -> new RoutesFile(dir.resolve("missing.json"), Clock.systemUTC(),
            RoutesFile.DEFAULT_CHECK_INTERVAL, ENV)).hasMessageContaining("cannot be read");
    }
}
