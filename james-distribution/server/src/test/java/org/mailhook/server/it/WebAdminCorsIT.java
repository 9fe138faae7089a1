package org.mailhook.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

/**
 * A web page open in the operator's browser must not read the WebAdmin API, which has no
 * authentication on loopback. James 3.8.1 sends {@code Access-Control-Allow-Origin: *} on every answer
 * whatever {@code cors.enable} says; Mailhook's webadmin.properties pins the origin to WebAdmin's own.
 * Checked with a real browser (headless Chromium, which {@code .ci/setup/chromium.sh} installs): a page
 * from another origin fetches {@code /mailhook/messages} and must be refused, while the same page can
 * read a control resource that allows every origin (so the refusal is CORS, not a broken harness).
 */
class WebAdminCorsIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aPageFromAnotherOriginCannotReadTheApi(@TempDir Path dir) throws Exception {
        String browser = browser();
        try (ServerProcess server = ServerProcess.mailhook(dir.resolve("data"), "http://127.0.0.1:9/webhook",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Map.of()).start()) {
            String api = "http://127.0.0.1:" + server.webadminPort();
            HttpResponse<String> direct = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/mailhook/messages?limit=1"))
                .header("Origin", "http://evil.example").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(direct.statusCode()).isEqualTo(200);
            assertThat(direct.headers().firstValue("Access-Control-Allow-Origin")).contains(api);

            HttpServer pages = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
            pages.createContext("/control", exchange -> {
                exchange.getResponseHeaders().add("Access-Control-Allow-Origin", "*");
                reply(exchange, "text/plain", "control");
            });
            String origin = "http://127.0.0.1:" + pages.getAddress().getPort();
            pages.createContext("/page.html", exchange -> reply(exchange, "text/html", """
                <html><body><pre id="api">pending</pre><pre id="control">pending</pre><script>
                function probe(id, url) {
                  fetch(url).then(r => r.text()).then(t => document.getElementById(id).textContent = id + '=READ:' + t.length)
                    .catch(e => document.getElementById(id).textContent = id + '=REFUSED:' + e.name);
                }
                probe('api', '%s/mailhook/messages?limit=1');
                probe('control', '%s/control');
                </script></body></html>
                """.formatted(api, origin)));
            pages.start();
            try {
                String dom = dumpDom(browser, origin + "/page.html", dir.resolve("profile"));
                assertThat(dom).as("the control resource, which allows every origin, is readable").contains("control=READ:7");
                assertThat(dom).as("WebAdmin refuses a cross-origin read").contains("api=REFUSED:TypeError").doesNotContain("api=READ");
            } finally {
                pages.stop(0);
            }
        }
    }

    private static void reply(com.sun.net.httpserver.HttpExchange exchange, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    /** The page's DOM after its scripts ran (virtual time lets the fetches finish before the dump). */
    private static String dumpDom(String browser, String url, Path profile) throws Exception {
        Process process = new ProcessBuilder(browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--user-data-dir=" + profile, "--virtual-time-budget=10000", "--dump-dom", url)
            .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("browser finished").isTrue();
        return new String(out, StandardCharsets.UTF_8);
    }

    private static String browser() {
        List<String> candidates = List.of("chromium", "chromium-browser", "google-chrome");
        String path = System.getenv().getOrDefault("PATH", "");
        for (String candidate : candidates) {
            for (String folder : path.split(":")) {
                if (Files.isExecutable(Path.of(folder, candidate))) {
                    return Path.of(folder, candidate).toString();
                }
            }
        }
        String missing = "no Chromium on the PATH (" + String.join(", ", candidates) + "): run .ci/setup/chromium.sh";
        if (Boolean.getBoolean("mailhook.services.required")) {
            throw new IllegalStateException(missing);
        }
        Assumptions.abort(missing);
        return null;
    }
}
