package org.mailhook.webadmin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.apache.james.utils.WebAdminGuiceProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mailhook.testing.JamesTestServer;

/**
 * The Host and Origin checks of Mailhook's routes inside a real James 3.8.1 WebAdmin: a request from a
 * page on another origin, or addressed to a name that is not WebAdmin's (DNS rebinding), is refused
 * with 403 before the route runs; curl-style requests (no Origin, Host 127.0.0.1:PORT) work as before.
 * {@code DELETE /mailhook/addresses/{unknown}} answers 404 when the route runs, so 403 vs 404 tells
 * which side of the check a request fell on without changing anything.
 */
class RequestGuardJamesTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String UNKNOWN = "/mailhook/addresses/nobody@inbound.localhost";
    private static final JamesTestServer JAMES = JamesTestServer.withMailhookProcessor("""
        <mailet match="All" class="Null"/>""")
        .withConf("webadmin.properties", """
            enabled=true
            port=0
            host=127.0.0.1
            cors.origin=https://console.example
            extensions.routes=org.mailhook.webadmin.GuardEveryRoute,org.mailhook.webadmin.MessagesRoutes,\
            org.mailhook.webadmin.DeliveriesRoutes,org.mailhook.webadmin.AddressesRoutes
            """)
        .withConf("mailhook.properties", """
            archive.repository=memory://var/mail/archive/
            webhook.deadLetterRepository=memory://var/mail/webhook-dead-letters/
            addresses.repository=memory://var/mail/instant-addresses/
            addresses.domain=inbound.localhost
            webadmin.allowedHosts=mx.example, proxy.example:443
            """);

    @RegisterExtension
    static JamesServerExtension jamesServer = JAMES.extension();

    @Test
    void curlStyleRequestsWithoutOriginStillWork(GuiceJamesServer server) throws Exception {
        assertThat(send(server, "DELETE", UNKNOWN, null, null).statusCode()).isEqualTo(404);
        HttpResponse<String> mint = send(server, "POST", "/mailhook/addresses", null, "{}");
        assertThat(mint.statusCode()).isEqualTo(400);
        assertThat(mint.body()).contains("url is required");
        HttpResponse<String> list = send(server, "GET", "/mailhook/addresses", null, null);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(send(server, "POST", "/mailhook/deliveries/dead/nothing-here/redeliver", null, "").statusCode())
            .isNotEqualTo(403);
    }

    @Test
    void aStateChangingRequestFromAnotherOriginIsRefused(GuiceJamesServer server) throws Exception {
        for (String method : new String[] {"POST", "DELETE", "PUT", "PATCH"}) {
            HttpResponse<String> refused = send(server, method, UNKNOWN, "http://evil.example", "{}");
            assertThat(refused.statusCode()).as(method).isEqualTo(403);
            assertThat(refused.body()).contains("\"statusCode\":403").contains("Origin 'http://evil.example' may not change state");
        }
        HttpResponse<String> mint = send(server, "POST", "/mailhook/addresses", "http://evil.example", "{\"url\":\"https://x.example/\"}");
        assertThat(mint.statusCode()).isEqualTo(403);
        assertThat(send(server, "POST", "/mailhook/deliveries/dead/redeliver?all=true", "http://evil.example", "").statusCode())
            .isEqualTo(403);
        // A sandboxed page or a file: URL sends "null"; a look-alike of WebAdmin's origin on another port is another origin.
        assertThat(send(server, "DELETE", UNKNOWN, "null", null).statusCode()).isEqualTo(403);
        assertThat(send(server, "DELETE", UNKNOWN, "http://127.0.0.1:" + (port(server) + 1), null).statusCode()).isEqualTo(403);
        assertThat(send(server, "DELETE", UNKNOWN, "http://127.0.0.1:" + port(server) + ".evil.example", null).statusCode())
            .isEqualTo(403);

        // WebAdmin's own origin and the configured cors.origin may.
        assertThat(send(server, "DELETE", UNKNOWN, "http://127.0.0.1:" + port(server), null).statusCode()).isEqualTo(404);
        assertThat(send(server, "DELETE", UNKNOWN, "https://console.example", null).statusCode()).isEqualTo(404);
        // Reads are CORS' business: a foreign Origin on GET is answered (the browser refuses to show it).
        assertThat(send(server, "GET", "/mailhook/addresses", "http://evil.example", null).statusCode()).isEqualTo(200);
    }

    @Test
    void aHostHeaderThatIsNotWebAdminsIsRefusedOnEveryMethod(GuiceJamesServer server) throws Exception {
        int port = port(server);
        // DNS rebinding: the page's own name, re-pointed at 127.0.0.1, arrives as the Host header.
        assertThat(raw(port, "GET", "/mailhook/messages", "evil.example:" + port)).startsWith("HTTP/1.1 403");
        assertThat(raw(port, "DELETE", UNKNOWN, "evil.example:" + port)).startsWith("HTTP/1.1 403");
        assertThat(raw(port, "GET", "/mailhook/addresses", "127.0.0.1.evil.example:" + port)).startsWith("HTTP/1.1 403");
        assertThat(raw(port, "GET", "/mailhook/addresses", "127.0.0.1:" + (port + 1))).startsWith("HTTP/1.1 403");
        assertThat(raw(port, "GET", "/mailhook/addresses", "127.0.0.1")).startsWith("HTTP/1.1 403");
        assertThat(raw(port, "GET", "/mailhook/addresses", "mx.example:" + (port + 1))).startsWith("HTTP/1.1 403");
        assertThat(raw(port, "GET", "/mailhook/addresses", "proxy.example")).startsWith("HTTP/1.1 403");
        assertThat(raw(port, "GET", "/mailhook/addresses", null)).startsWith("HTTP/1.1 4");

        // Loopback names and literals with WebAdmin's port, and the configured webadmin.allowedHosts.
        assertThat(raw(port, "GET", "/mailhook/addresses", "127.0.0.1:" + port)).startsWith("HTTP/1.1 200");
        assertThat(raw(port, "GET", "/mailhook/addresses", "localhost:" + port)).startsWith("HTTP/1.1 200");
        assertThat(raw(port, "GET", "/mailhook/addresses", "LOCALHOST:" + port)).startsWith("HTTP/1.1 200");
        assertThat(raw(port, "GET", "/mailhook/addresses", "[::1]:" + port)).startsWith("HTTP/1.1 200");
        assertThat(raw(port, "DELETE", UNKNOWN, "mx.example:" + port)).startsWith("HTTP/1.1 404");
        assertThat(raw(port, "GET", "/mailhook/addresses", "proxy.example:443")).startsWith("HTTP/1.1 200");
    }

    @Test
    void jamesOwnRoutesAreGuardedToo(GuiceJamesServer server) throws Exception {
        int port = port(server);
        // James' routes check neither header; GuardEveryRoute puts the same guard in front of them
        assertThat(raw(port, "GET", "/healthcheck", "evil.example:" + port)).startsWith("HTTP/1.1 403");
        assertThat(raw(port, "PUT", "/domains/rebound.example", "evil.example:" + port)).startsWith("HTTP/1.1 403");
        assertThat(send(server, "PUT", "/domains/posted.example", "http://evil.example", null).statusCode()).isEqualTo(403);
        assertThat(send(server, "GET", "/domains", null, null).body()).doesNotContain("rebound.example", "posted.example");
        // WebAdmin's own clients are unaffected
        assertThat(raw(port, "GET", "/healthcheck", "127.0.0.1:" + port)).startsWith("HTTP/1.1 200");
        assertThat(send(server, "PUT", "/domains/curl.example", null, null).statusCode()).isNotEqualTo(403);
    }

    private static int port(GuiceJamesServer server) {
        return server.getProbe(WebAdminGuiceProbe.class).getWebAdminPort().getValue();
    }

    private static HttpResponse<String> send(GuiceJamesServer server, String method, String path, String origin, String body)
        throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(server) + path))
            .timeout(Duration.ofSeconds(30))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (origin != null) {
            request.header("Origin", origin);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One HTTP/1.1 request over a socket to 127.0.0.1 with a Host header of our choosing (null: none); the status line. */
    private static String raw(int port, String method, String path, String host) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(30_000);
            String request = method + " " + path + " HTTP/1.1\r\n" + (host == null ? "" : "Host: " + host + "\r\n")
                + "Content-Length: 0\r\nConnection: close\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            return answer.lines().findFirst().orElse("");
        }
    }
}
