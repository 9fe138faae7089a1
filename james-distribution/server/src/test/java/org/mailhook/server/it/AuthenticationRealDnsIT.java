package org.mailhook.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.doctor.KnotDns;
import org.mailhook.testing.DnsJsonZones;
import org.mailhook.testing.MailauthSigner;
import org.mailhook.testing.RecordingReceiver;
import org.mailhook.testing.SmtpClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Authentication verdicts on the assembled server against a real authoritative DNS server (knotd) and
 * mail signed by an independent signer (mailauth): SPF, a 2048-bit RSA key (split into several
 * character-strings, as every such key is), an Ed25519 key and a DMARC policy are published; verdicts
 * are read from the delivered JSON and from the Authentication-Results header the server wrote. With
 * the DNS server stopped, lookups give temperror, never "none".
 */
class AuthenticationRealDnsIT {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void verdictsFromRealDnsForIndependentlySignedMail(@TempDir Path dir) throws Exception {
        MailauthSigner.Key rsa = MailauthSigner.Key.rsa2048("sender.example", "rsa2048");
        MailauthSigner.Key ed = MailauthSigner.Key.ed25519("sender.example", "ed");
        MailauthSigner.Key laterRsa = MailauthSigner.Key.rsa2048("later.example", "k1");
        String rsaRecord = DnsJsonZones.strings(TextNode.valueOf(rsa.dnsRecord()));
        assertThat(rsaRecord).as("a 2048-bit key is published as several character-strings").contains("\" \"");
        List<KnotDns.Zone> zones = List.of(
            new KnotDns.Zone("sender.example", """
                @ TXT "v=spf1 ip4:127.0.0.1 -all"
                _dmarc TXT "v=DMARC1; p=reject; adkim=s; aspf=s"
                rsa2048._domainkey TXT %s
                ed._domainkey TXT "%s"
                """.formatted(rsaRecord, ed.dnsRecord()), false),
            new KnotDns.Zone("elsewhere.example", """
                @ TXT "v=spf1 ip4:192.0.2.1 -all"
                _dmarc TXT "v=DMARC1; p=quarantine"
                """, false),
            new KnotDns.Zone("later.example", """
                @ TXT "v=spf1 ip4:127.0.0.1 -all"
                _dmarc TXT "v=DMARC1; p=reject"
                k1._domainkey TXT %s
                """.formatted(DnsJsonZones.strings(TextNode.valueOf(laterRsa.dnsRecord()))), false));

        byte[] plain = mail("alice@sender.example", "signed by mailauth", "Hello from a real signer.\r\n");
        List<byte[]> signed = MailauthSigner.sign(List.of(plain), List.of(rsa, ed));
        byte[] good = signed.get(0);
        byte[] tampered = new String(good, StandardCharsets.ISO_8859_1).replace("Hello from a real signer.", "Hello from a forger.")
            .replace("signed by mailauth", "tampered by a relay").getBytes(StandardCharsets.ISO_8859_1);
        byte[] later = MailauthSigner.sign(List.of(mail("bob@later.example", "while DNS is down", "Nobody answers.\r\n")),
            List.of(laterRsa)).get(0);

        try (KnotDns dns = KnotDns.start(Files.createDirectories(dir.resolve("knot")), zones);
             RecordingReceiver receiver = new RecordingReceiver(SECRET)) {
            Map<String, String> env = Map.of("MAILHOOK_DNS_SERVERS", dns.address(), "MAILHOOK_DNS_TIMEOUT_MILLIS", "1500",
                "MAILHOOK_AUTHSERV_ID", "mx.mailhook.test");
            try (ServerProcess server = ServerProcess.mailhook(dir.resolve("data"), receiver.url(), SECRET, env).start()) {
                send(server, "alice@sender.example", good);
                JsonNode pass = delivered(receiver, "signed by mailauth");
                assertThat(pass.at("/auth/spf/result").asText()).isEqualTo("pass");
                assertThat(pass.at("/auth/dkim").findValuesAsText("result")).containsExactly("pass", "pass");
                assertThat(pass.at("/auth/dkim").findValuesAsText("algorithm")).containsExactlyInAnyOrder("rsa-sha256", "ed25519-sha256");
                assertThat(pass.at("/auth/dmarc/result").asText()).isEqualTo("pass");
                assertThat(pass.at("/auth/dmarc/policy").asText()).isEqualTo("reject");
                assertThat(resultsHeader(pass)).startsWith("mx.mailhook.test;").contains("spf=pass", "dkim=pass", "dmarc=pass")
                    .doesNotContain("dkim=fail", "permerror", "temperror");

                send(server, "alice@sender.example", tampered);
                JsonNode fail = delivered(receiver, "tampered by a relay");
                assertThat(fail.at("/auth/dkim").findValuesAsText("result")).containsOnly("fail");
                assertThat(fail.at("/auth/spf/result").asText()).isEqualTo("pass");
                assertThat(resultsHeader(fail)).contains("dkim=fail");

                send(server, "carol@elsewhere.example", mail("carol@elsewhere.example", "from the wrong address", "Hi.\r\n"));
                JsonNode wrongIp = delivered(receiver, "from the wrong address");
                assertThat(wrongIp.at("/auth/spf/result").asText()).isEqualTo("fail");
                assertThat(wrongIp.at("/auth/dmarc/result").asText()).isEqualTo("fail");
                assertThat(wrongIp.at("/auth/dmarc/disposition").asText()).isEqualTo("quarantine");
                assertThat(resultsHeader(wrongIp)).contains("spf=fail", "dmarc=fail");

                // RFC 6532: raw UTF-8 in the header. James' own serialization turned each such byte into '?',
                // breaking the signature and the subject; the bytes must reach the verifier as they arrived.
                byte[] utf8 = MailauthSigner.sign(List.of(("From: Jürgen <alice@sender.example>\r\nTo: inbox@inbound.localhost\r\n"
                    + "Subject: Grüße, 人権 — utf8 header\r\nDate: Mon, 07 Dec 2026 08:00:00 +0000\r\nMessage-ID: <utf8@test>\r\n"
                    + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHallo.\r\n").getBytes(StandardCharsets.UTF_8)),
                    List.of(rsa)).get(0);
                send(server, "alice@sender.example", utf8);
                RecordingReceiver.Delivery utf8Delivery = await().atMost(Duration.ofSeconds(60)).until(() -> receiver.deliveries().stream()
                    .filter(d -> d.body().contains("utf8 header")).findFirst(), Optional::isPresent).get();
                JsonNode unicode = JSON.readTree(utf8Delivery.body());
                assertThat(unicode.path("subject").asText()).isEqualTo("Grüße, 人権 — utf8 header");
                assertThat(unicode.at("/auth/dkim").findValuesAsText("result")).containsExactly("pass");
                assertThat(unicode.at("/from/0/name").asText()).isEqualTo("Jürgen");

                dns.close();
                send(server, "bob@later.example", later);
                JsonNode down = delivered(receiver, "while DNS is down");
                assertThat(down.at("/auth/spf/result").asText()).isEqualTo("temperror");
                assertThat(down.at("/auth/dkim").findValuesAsText("result")).containsExactly("temperror");
                assertThat(down.at("/auth/dmarc/result").asText()).isEqualTo("temperror");
                assertThat(resultsHeader(down)).contains("spf=temperror", "dkim=temperror", "dmarc=temperror");
            }
        }
    }

    private static byte[] mail(String from, String subject, String body) {
        return ("From: " + from + "\r\nTo: inbox@inbound.localhost\r\nSubject: " + subject
            + "\r\nDate: Mon, 07 Dec 2026 08:00:00 +0000\r\nMessage-ID: <" + subject.hashCode() + "@test>\r\n\r\n" + body)
            .getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void send(ServerProcess server, String mailFrom, byte[] message) throws Exception {
        try (SmtpClient smtp = new SmtpClient(server.smtpPort())) {
            smtp.command("EHLO client.sender.example");
            assertThat(smtp.command("MAIL FROM:<" + mailFrom + ">")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<inbox@inbound.localhost>")).startsWith("250");
            assertThat(smtp.data(message)).startsWith("250");
        }
    }

    private static JsonNode delivered(RecordingReceiver receiver, String subject) throws Exception {
        RecordingReceiver.Delivery delivery = await().atMost(Duration.ofSeconds(60)).until(() -> receiver.deliveries().stream()
            .filter(d -> d.body().contains("\"subject\":\"" + subject + "\"")).findFirst(), Optional::isPresent).get();
        assertThat(delivery.signatureValid()).isTrue();
        return JSON.readTree(delivery.body());
    }

    /** The first header of the delivered mail must be the server's own Authentication-Results. */
    private static String resultsHeader(JsonNode json) {
        JsonNode first = json.path("headers").path(0);
        assertThat(first.path("name").asText()).isEqualTo("Authentication-Results");
        assertThat(first.path("value").asText().replaceAll("\\s+", " "))
            .isEqualTo(json.at("/auth/authenticationResults").asText().replaceAll("\\s+", " "));
        return first.path("value").asText();
    }
}
