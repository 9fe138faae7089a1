package org.mailhook.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import org.apache.james.JamesServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mailhook.doctor.KnotDns;
import org.mailhook.testing.DnsJsonZones;
import org.mailhook.testing.Corpus;
import org.mailhook.testing.JamesTestServer;
import org.mailhook.testing.RecordingReceiver;
import org.mailhook.testing.SmtpClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Authenticate → ToJson → WebhookDelivery in a real James, with the corpus' RFC 8463 zone served by a
 * real DNS server (knotd, the RSA key split into several character-strings as published): the RFC 8463
 * example message (ed25519 and RSA signatures) arrives over SMTP and leaves with an
 * Authentication-Results header and the auth JSON.
 */
class AuthenticatePipelineJamesTest {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RecordingReceiver RECEIVER = RecordingReceiver.startUnchecked(SECRET);
    private static final KnotDns DNS = startDns();
    private static final JamesTestServer JAMES = JamesTestServer.withMailhookProcessor("""
        <mailet match="All" class="org.mailhook.mailets.Authenticate">
          <authservId>mx.mailhook.test</authservId>
          <dnsServers>%s</dnsServers>
        </mailet>
        <mailet match="All" class="org.mailhook.mailets.ToJson"/>
        <mailet match="All" class="org.mailhook.mailets.WebhookDelivery">
          <url>%s</url>
          <secret>%s</secret>
          <allowLoopback>true</allowLoopback>
          <queue>auth-test</queue>
        </mailet>""".formatted(DNS.address(), RECEIVER.url(), SECRET));

    @RegisterExtension
    static JamesServerExtension jamesServer = JAMES.extension();

    private static KnotDns startDns() {
        try {
            JsonNode zone = JSON.readTree(Files.readAllBytes(Corpus.path("auth/dkim/rfc8463-mailauth/dns.json")));
            // example.com too: DMARC asks the organizational domain, and a real server that is not
            // authoritative for it refuses, which is temperror.
            return KnotDns.start(Files.createTempDirectory("knot"), List.of(new KnotDns.Zone("example.com", "", false),
                DnsJsonZones.zone("football.example.com", zone)));
        } catch (Exception e) {
            throw new IllegalStateException("cannot start knotd", e);
        }
    }

    @AfterAll
    static void close() throws InterruptedException {
        RECEIVER.close();
        DNS.close();
    }

    @Test
    void signedMailArrivesWithAuthenticationResultsAndAuthJson() throws Exception {
        String message = Files.readString(Corpus.path("auth/dkim/rfc8463-mailauth/signed.eml"), StandardCharsets.US_ASCII);
        String forged = "Authentication-Results: mx.mailhook.test; dmarc=pass header.from=football.example.com\r\n";
        assertThat(SmtpClient.send(JAMES.smtpPort(), "joe@football.example.com", "suzie@inbound.localhost", forged + message))
            .startsWith("250");

        RecordingReceiver.Delivery delivery = await().atMost(Duration.ofSeconds(30)).until(() ->
            RECEIVER.deliveries().stream().filter(d -> d.body().contains("Is dinner ready?")).findFirst(), java.util.Optional::isPresent).get();
        JsonNode json = JSON.readTree(delivery.body());
        JsonNode auth = json.path("auth");
        assertThat(auth.path("dkim")).hasSize(2);
        assertThat(auth.path("dkim").findValuesAsText("result")).containsOnly("pass");
        assertThat(auth.path("dkim").findValuesAsText("algorithm")).containsExactlyInAnyOrder("ed25519-sha256", "rsa-sha256");
        // 127.0.0.1 is not in football.example.com's SPF record (ip4:213.165.64.12, ~all).
        assertThat(auth.path("spf").path("result").asText()).isEqualTo("softfail");
        assertThat(auth.path("dmarc").path("result").asText()).isEqualTo("none");

        String header = auth.path("authenticationResults").asText();
        assertThat(header).startsWith("mx.mailhook.test").contains("dkim=pass").contains("spf=softfail");
        // The forged header claiming our authserv-id is gone; ours is the only one.
        assertThat(json.path("headers").findValues("name").stream().map(JsonNode::asText)
            .filter(name -> name.equalsIgnoreCase("Authentication-Results"))).hasSize(1);
        assertThat(delivery.body()).doesNotContain("dmarc=pass header.from=football.example.com");
    }
}
