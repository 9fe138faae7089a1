package org.mailhook.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.testing.RecordingReceiver;
import org.mailhook.testing.SmtpClient;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A consumer token (consumer.tokensFile: the endpoint and the token's SHA-256) reads the mail routed to
 * its endpoint through /mailhook/consumer/messages, nothing routed elsewhere, and no admin route.
 */
class ConsumerTokensIT {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aConsumerTokenReadsOnlyItsEndpointsMailAndNoAdminRoute(@TempDir Path dir) throws Exception {
        KeyPair keys = WebAdminAuthIT.rsaKeys();
        Path publicKey = WebAdminAuthIT.jwtPublicKeyFile(keys, dir);
        String admin = WebAdminAuthIT.rs256(keys.getPrivate(), "{\"sub\":\"ops\",\"admin\":true,\"exp\":"
            + Instant.now().plus(Duration.ofHours(1)).getEpochSecond() + "}");
        String token = "ct_" + UUID.randomUUID() + UUID.randomUUID();
        String otherToken = "ct_" + UUID.randomUUID() + UUID.randomUUID();
        Path tokens = dir.resolve("consumer-tokens");
        Files.writeString(tokens, "# endpoint sha256(token)\ndefault " + sha256(token) + "\nelsewhere " + sha256(otherToken) + "\n");
        Map<String, String> env = Map.of("MAILHOOK_WEBADMIN_JWT", "true", "MAILHOOK_WEBADMIN_JWT_PUBLIC_KEY", publicKey.toString(),
            "MAILHOOK_CONSUMER_TOKENS_FILE", tokens.toString());
        try (RecordingReceiver main = new RecordingReceiver(SECRET); RecordingReceiver instant = new RecordingReceiver(SECRET);
             ServerProcess server = ServerProcess.mailhook(dir.resolve("data"), main.url(), SECRET, env).start()) {
            main.respondWith(n -> 204);
            instant.respondWith(n -> 204);
            await().atMost(Duration.ofSeconds(60)).until(() -> ServerProcess.listening(server.webadminPort()));
            HttpResponse<String> minted = send(server, "POST", "/mailhook/addresses", admin, "{\"url\":\"" + instant.url() + "\"}");
            assertThat(minted.statusCode()).as(minted.body()).isEqualTo(201);
            String address = JSON.readTree(minted.body()).path("address").asText();

            String ours = "ours-" + UUID.randomUUID();
            String theirs = "theirs-" + UUID.randomUUID();
            assertThat(SmtpClient.send(server.smtpPort(), "sender@example.org", "someone@inbound.localhost", mail(ours))).startsWith("250");
            // WebhookDelivery re-reads the addresses every 2 s; mail sent before would go to the default endpoint.
            Thread.sleep(4000);
            assertThat(SmtpClient.send(server.smtpPort(), "sender@example.org", address, mail(theirs))).startsWith("250");
            await().atMost(Duration.ofSeconds(60)).until(() -> instant.deliveries().stream().anyMatch(d -> d.body().contains(theirs))
                && main.deliveries().stream().anyMatch(d -> d.body().contains(ours)));
            assertThat(main.deliveries()).noneMatch(d -> d.body().contains(theirs));
            String ourId = idOf(main, ours);
            String theirId = idOf(instant, theirs);

            await().atMost(Duration.ofSeconds(30)).until(() -> send(server, "GET", "/mailhook/consumer/messages?limit=100", token, null)
                .body().contains(ours));
            String page = send(server, "GET", "/mailhook/consumer/messages?limit=100", token, null).body();
            assertThat(page).contains(ours).doesNotContain(theirs);
            assertThat(send(server, "GET", "/mailhook/consumer/messages/" + ourId, token, null).body()).contains(ours);
            HttpResponse<String> raw = send(server, "GET", "/mailhook/consumer/messages/" + ourId + "/raw", token, null);
            assertThat(raw.statusCode()).isEqualTo(200);
            assertThat(raw.body()).contains("Subject: " + ours);
            assertThat(raw.headers().firstValue("Content-Disposition")).hasValueSatisfying(v -> assertThat(v).startsWith("attachment"));
            String partId = JSON.readTree(main.deliveries().stream().filter(d -> d.body().contains(ours)).findFirst().orElseThrow().body())
                .path("attachments").get(0).path("partId").asText();
            HttpResponse<String> attachment = send(server, "GET", "/mailhook/consumer/messages/" + ourId + "/attachments/" + partId, token, null);
            assertThat(attachment.statusCode()).isEqualTo(200);
            assertThat(attachment.body()).startsWith("numbers");
            // Another endpoint's mail does not exist for this token, nor ours for the other endpoint's token.
            assertThat(send(server, "GET", "/mailhook/consumer/messages/" + theirId, token, null).statusCode()).isEqualTo(404);
            assertThat(send(server, "GET", "/mailhook/consumer/messages/" + theirId + "/raw", token, null).statusCode()).isEqualTo(404);
            assertThat(send(server, "GET", "/mailhook/consumer/messages/" + ourId, otherToken, null).statusCode()).isEqualTo(404);
            assertThat(send(server, "GET", "/mailhook/consumer/messages?limit=100", otherToken, null).body()).doesNotContain(ours);
            // No token, or a wrong one: 401.
            assertThat(send(server, "GET", "/mailhook/consumer/messages", null, null).statusCode()).isEqualTo(401);
            assertThat(send(server, "GET", "/mailhook/consumer/messages", "ct_not-a-token-of-this-server-at-all", null).statusCode())
                .isEqualTo(401);
            // The consumer token is no admin credential.
            assertThat(send(server, "GET", "/mailhook/messages", token, null).statusCode()).isEqualTo(401);
            assertThat(send(server, "GET", "/mailhook/messages/" + ourId, token, null).statusCode()).isEqualTo(401);
            assertThat(send(server, "GET", "/mailhook/deliveries", token, null).statusCode()).isEqualTo(401);
            assertThat(send(server, "POST", "/mailhook/addresses", token, "{\"url\":\"https://hooks.example.com/x\"}").statusCode())
                .isEqualTo(401);
            assertThat(send(server, "GET", "/mailRepositories", token, null).statusCode()).isEqualTo(401);
            assertThat(send(server, "GET", "/mailhook/messages", admin, null).statusCode()).as("the admin token still works").isEqualTo(200);
        }
    }

    private static String idOf(RecordingReceiver receiver, String subject) throws Exception {
        return JSON.readTree(receiver.deliveries().stream().filter(d -> d.body().contains(subject)).findFirst().orElseThrow().body())
            .path("id").asText();
    }

    private static String sha256(String token) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    }

    private static String mail(String subject) {
        return "Subject: " + subject + "\r\nMessage-ID: <" + subject + "@example.org>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
            + "--b1\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
            + "--b1\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=\"n.txt\"\r\n\r\nnumbers\r\n--b1--\r\n";
    }

    private static HttpResponse<String> send(ServerProcess server, String method, String path, String bearer, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.webadminPort() + path))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
