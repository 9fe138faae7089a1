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
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.testing.SmtpClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Who may call WebAdmin on the assembled server: beyond loopback only with James' JWT authentication,
 * which the main enforces before James starts; with JWT on, Mailhook's routes need an admin token while
 * James' public routes (/healthcheck, /metrics) stay open for scrapers and load balancers.
 */
class WebAdminAuthIT {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aNonLoopbackListenerWithoutJwtStopsStartupNamingFileAndKey(@TempDir Path data) throws Exception {
        assertThat(refusedStartOutput(data, Map.of("MAILHOOK_WEBADMIN_HOST", "0.0.0.0")))
            .contains("mailhook-server: configuration error: webadmin.properties: host=0.0.0.0 listens beyond loopback")
            .contains("jwt.enabled=false")
            .contains("MAILHOOK_WEBADMIN_JWT=true");
    }

    @Test
    void jwtWithoutAPublicKeyStopsStartupNamingTheKey(@TempDir Path data) throws Exception {
        assertThat(refusedStartOutput(data, Map.of("MAILHOOK_WEBADMIN_JWT", "true")))
            .contains("webadmin.properties: jwt.enabled=true needs jwt.publickeypem.url")
            .contains("MAILHOOK_WEBADMIN_JWT_PUBLIC_KEY");
    }

    /** Starts the server with {@code env}; it must exit with 2 (configuration error) before James starts. */
    private static String refusedStartOutput(Path data, Map<String, String> env) throws Exception {
        ServerProcess server = ServerProcess.mailhook(data, "http://127.0.0.1:9/webhook", SECRET, env);
        int exit = server.runToExit(Duration.ofMinutes(2));
        assertThat(exit).as(server.outputTail()).isEqualTo(2);
        // Nothing of James was started.
        assertThat(server.output()).doesNotContain("Web admin server started").doesNotContain("JamesServerMain");
        return server.output();
    }

    @Test
    void withJwtTheMailhookRoutesNeedAnAdminTokenAndHealthAndMetricsStayPublic(@TempDir Path dir) throws Exception {
        KeyPair keys = rsaKeys();
        KeyPair otherKeys = rsaKeys();
        Path publicKey = jwtPublicKeyFile(keys, dir);
        long exp = Instant.now().plus(Duration.ofHours(1)).getEpochSecond();
        String admin = rs256(keys.getPrivate(), "{\"sub\":\"ops\",\"admin\":true,\"exp\":" + exp + "}");
        String notAdmin = rs256(keys.getPrivate(), "{\"sub\":\"ops\",\"admin\":false,\"exp\":" + exp + "}");
        String expired = rs256(keys.getPrivate(), "{\"sub\":\"ops\",\"admin\":true,\"exp\":"
            + Instant.now().minus(Duration.ofHours(1)).getEpochSecond() + "}");
        String foreign = rs256(otherKeys.getPrivate(), "{\"sub\":\"ops\",\"admin\":true,\"exp\":" + exp + "}");

        // Listening on every interface (the test still talks to 127.0.0.1 only), JWT on, plain HTTP.
        try (ServerProcess server = ServerProcess.mailhook(dir.resolve("data"), "http://127.0.0.1:9/webhook", SECRET, Map.of(
            "MAILHOOK_WEBADMIN_HOST", "0.0.0.0",
            "MAILHOOK_WEBADMIN_JWT", "true",
            "MAILHOOK_WEBADMIN_JWT_PUBLIC_KEY", publicKey.toString())).start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> ServerProcess.listening(server.webadminPort()));
            assertThat(server.output()).contains("WARN").contains("host=0.0.0.0 listens beyond loopback over plain HTTP");
            assertThat(Files.readString(server.data().resolve("conf/webadmin.properties")))
                .contains("jwt.publickeypem.url=file://" + publicKey.toAbsolutePath());

            assertThat(get(server, "/mailhook/messages", null).statusCode()).isEqualTo(401);
            assertThat(get(server, "/mailhook/deliveries", null).statusCode()).isEqualTo(401);
            assertThat(get(server, "/mailhook/addresses", null).statusCode()).isEqualTo(401);
            assertThat(get(server, "/mailhook/messages", notAdmin).statusCode()).isEqualTo(401);
            assertThat(get(server, "/mailhook/messages", expired).statusCode()).isEqualTo(401);
            assertThat(get(server, "/mailhook/messages", foreign).statusCode()).isEqualTo(401);
            HttpResponse<String> allowed = get(server, "/mailhook/messages", admin);
            assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
            assertThat(allowed.body()).contains("\"messages\"");

            // Downloads of the sender's bytes are attachments no browser renders (an HTML part without a name here).
            String subject = "download-" + java.util.UUID.randomUUID();
            assertThat(SmtpClient.send(server.smtpPort(), "sender@example.org", "to@inbound.localhost", "Subject: " + subject
                + "\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
                + "hi\r\n--b\r\nContent-Type: text/html\r\nContent-Disposition: attachment\r\n\r\n<script>alert(1)</script>\r\n--b--\r\n"))
                .startsWith("250");
            JsonNode entry = await().atMost(Duration.ofSeconds(60)).until(() -> archived(server, admin, subject), e -> e != null);
            String base = "/mailhook/messages/" + entry.path("id").asText();
            HttpResponse<String> raw = get(server, base + "/raw", admin);
            assertThat(raw.statusCode()).isEqualTo(200);
            assertThat(raw.headers().firstValue("Content-Disposition").orElse("")).startsWith("attachment; filename*=UTF-8''m");
            HttpResponse<String> part = get(server, base + "/attachments/"
                + entry.path("message").path("attachments").path(0).path("partId").asText(), admin);
            assertThat(part.body()).contains("<script>alert(1)</script>");
            assertThat(part.headers().firstValue("Content-Type").orElse("")).startsWith("application/octet-stream");
            for (HttpResponse<String> download : java.util.List.of(raw, part)) {
                assertThat(download.headers().firstValue("Content-Disposition").orElse("")).startsWith("attachment; filename*=UTF-8''");
                assertThat(download.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
                assertThat(download.headers().firstValue("Content-Security-Policy")).contains("sandbox; default-src 'none'");
            }

            HttpResponse<String> health = get(server, "/healthcheck", null);
            assertThat(health.statusCode()).as(health.body()).isNotEqualTo(401);
            assertThat(health.body()).contains("\"checks\"");
            HttpResponse<String> metrics = get(server, "/metrics", null);
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("mailhook_");
        }
    }

    private static JsonNode archived(ServerProcess server, String token, String subject) throws Exception {
        for (JsonNode entry : JSON.readTree(get(server, "/mailhook/messages?limit=1000", token).body()).path("messages")) {
            if (subject.equals(entry.path("message").path("subject").asText())) {
                return entry;
            }
        }
        return null;
    }

    private static HttpResponse<String> get(ServerProcess server, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.webadminPort() + path))
            .timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A compact JWS (RS256) over {@code claims}: what any JWT tool produces from the operator's private key. */
    /** A fresh RSA 2048 key pair for signing WebAdmin JWTs. */
    static KeyPair rsaKeys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    /** The public half as the PEM file MAILHOOK_WEBADMIN_JWT_PUBLIC_KEY names: {@code dir/webadmin-jwt.pub}. */
    static Path jwtPublicKeyFile(KeyPair keys, Path dir) throws Exception {
        Path publicKey = dir.resolve("webadmin-jwt.pub");
        Files.writeString(publicKey, "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(keys.getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n", StandardCharsets.US_ASCII);
        return publicKey;
    }

    static String rs256(PrivateKey key, String claims) throws Exception {
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        String input = url.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
            + url.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(key);
        signature.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + url.encodeToString(signature.sign());
    }
}
