package org.mailhook.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.testing.RecordingReceiver;
import org.mailhook.testing.SmtpClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Each attachment of a delivered payload carries a signed link that fetches its bytes from WebAdmin
 * without admin credentials (here WebAdmin requires a JWT for everything else), until it expires; an
 * altered link is refused.
 */
class AttachmentLinksIT {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT = "quarterly figures: 42\r\n";

    @Test
    void aDeliveredLinkFetchesTheAttachmentWithoutCredentialsUntilItExpiresAndAlteredLinksAreRefused(@TempDir Path dir) throws Exception {
        KeyPair keys = WebAdminAuthIT.rsaKeys();
        Path publicKey = WebAdminAuthIT.jwtPublicKeyFile(keys, dir);
        Map<String, String> env = Map.of("MAILHOOK_WEBADMIN_JWT", "true", "MAILHOOK_WEBADMIN_JWT_PUBLIC_KEY", publicKey.toString(),
            "MAILHOOK_ATTACHMENT_LINK_LIFETIME", "30s");
        try (RecordingReceiver receiver = new RecordingReceiver(SECRET);
             ServerProcess server = ServerProcess.mailhook(dir.resolve("data"), receiver.url(), SECRET, env).start()) {
            receiver.respondWith(n -> 204);
            await().atMost(Duration.ofSeconds(60)).until(() -> ServerProcess.listening(server.webadminPort()));
            String subject = "links-" + UUID.randomUUID();
            assertThat(SmtpClient.send(server.smtpPort(), "sender@example.org", "someone@inbound.localhost", mailWithAttachment(subject)))
                .startsWith("250");
            await().atMost(Duration.ofSeconds(60)).until(() -> receiver.deliveries().stream().anyMatch(d -> d.body().contains(subject)));
            RecordingReceiver.Delivery delivery = receiver.deliveries().stream().filter(d -> d.body().contains(subject)).findFirst().orElseThrow();
            assertThat(delivery.signatureValid()).as(delivery.verifyError()).isTrue();
            JsonNode attachment = JSON.readTree(delivery.body()).path("attachments").get(0);
            String url = attachment.path("url").asText();
            long expires = Long.parseLong(url.replaceAll(".*[?&]expires=([0-9]+).*", "$1"));
            assertThat(url).startsWith("http://127.0.0.1:" + server.webadminPort() + "/mailhook/links/mh1_")
                .contains("/attachments/" + attachment.path("partId").asText() + "?expires=").contains("&signature=");
            assertThat(expires - Instant.now().getEpochSecond()).as("the configured lifetime").isBetween(1L, 30L);

            HttpResponse<byte[]> fetched = fetch(url);
            assertThat(fetched.statusCode()).isEqualTo(200);
            assertThat(new String(fetched.body(), StandardCharsets.UTF_8)).isEqualTo(CONTENT);
            assertThat(fetched.headers().firstValue("Content-Disposition")).hasValueSatisfying(v -> assertThat(v).startsWith("attachment"));
            assertThat(fetched.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
            assertThat(fetched.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v).contains("sandbox"));
            // The same part through the admin route needs the JWT.
            String id = JSON.readTree(delivery.body()).path("id").asText();
            assertThat(fetch("http://127.0.0.1:" + server.webadminPort() + "/mailhook/messages/" + id + "/attachments/"
                + attachment.path("partId").asText()).statusCode()).isEqualTo(401);

            String signature = url.substring(url.indexOf("signature=") + "signature=".length());
            String flipped = url.substring(0, url.length() - signature.length())
                + (signature.charAt(0) == 'A' ? 'B' : 'A') + signature.substring(1);
            assertThat(fetch(flipped).statusCode()).as("altered signature").isEqualTo(403);
            assertThat(fetch(url.replace("expires=" + expires, "expires=" + (expires + 3600))).statusCode()).as("extended expiry")
                .isEqualTo(403);
            assertThat(fetch(url.replace("/attachments/" + attachment.path("partId").asText() + "?", "/attachments/1?")).statusCode())
                .as("another part").isEqualTo(403);
            assertThat(fetch(url.substring(0, url.indexOf('?'))).statusCode()).as("no signature").isEqualTo(403);

            await().atMost(Duration.ofSeconds(60)).until(() -> Instant.now().getEpochSecond() > expires);
            HttpResponse<byte[]> expired = fetch(url);
            assertThat(expired.statusCode()).as("expired").isEqualTo(403);
            assertThat(new String(expired.body(), StandardCharsets.UTF_8)).contains("expired").doesNotContain(CONTENT);
        }
    }

    private static HttpResponse<byte[]> fetch(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String mailWithAttachment(String subject) {
        return "Subject: " + subject + "\r\nMessage-ID: <" + subject + "@example.org>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
            + "--b1\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
            + "--b1\r\nContent-Type: text/plain; name=\"figures.txt\"\r\nContent-Disposition: attachment; filename=\"figures.txt\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n"
            + Base64.getMimeEncoder().encodeToString(CONTENT.getBytes(StandardCharsets.UTF_8)) + "\r\n--b1--\r\n";
    }
}
