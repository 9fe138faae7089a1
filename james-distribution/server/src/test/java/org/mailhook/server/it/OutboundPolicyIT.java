package org.mailhook.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.testing.RecordingReceiver;

/**
 * The outbound address policy on the assembled server, started with the shipped defaults (no loopback
 * opt-in): internal URLs in any notation are refused when minted and when configured, and the receiver
 * listening on loopback never sees a request.
 */
class OutboundPolicyIT {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    @Test
    void mintingAnInternalUrlInAnyNotationAnswers400(@TempDir Path data) throws Exception {
        try (RecordingReceiver receiver = new RecordingReceiver(SECRET);
             ServerProcess server = ServerProcess.mailhook(data, "https://hooks.example.com/inbound", SECRET, Map.of())
                 .withoutLoopbackOptIn().start()) {
            int port = URI.create(receiver.url()).getPort();
            HttpResponse<String> decimal = mint(server, "http://2130706433:" + port + "/webhook");
            assertThat(decimal.statusCode()).as(decimal.body()).isEqualTo(400);
            assertThat(decimal.body()).contains("url: host '2130706433' is IPv4 127.0.0.1: 127.0.0.1 is loopback");

            for (String url : List.of("http://127.0.0.1:" + port + "/webhook", "http://127.1:" + port + "/webhook",
                "http://0x7f.0.0.1:" + port + "/webhook", "http://[::ffff:127.0.0.1]:" + port + "/webhook",
                "http://169.254.169.254/latest", "http://10.0.0.1/", "http://[64:ff9b::a9fe:a9fe]/")) {
                HttpResponse<String> refused = mint(server, url);
                assertThat(refused.statusCode()).as(url + " " + refused.body()).isEqualTo(400);
                assertThat(refused.body()).as(url).contains("refused by the SSRF guard");
            }
            assertThat(server.webadmin("GET", "/mailhook/addresses", null).body()).doesNotContain("@");
            assertThat(receiver.deliveries()).isEmpty();
        }
    }

    @Test
    void aDecimalLoopbackWebhookUrlStopsStartupNamingTheParameter(@TempDir Path data) throws Exception {
        try (RecordingReceiver receiver = new RecordingReceiver(SECRET)) {
            int port = URI.create(receiver.url()).getPort();
            ServerProcess server = ServerProcess.mailhook(data, "http://2130706433:" + port + "/webhook", SECRET, Map.of())
                .withoutLoopbackOptIn();
            int exit = server.runToExit(Duration.ofMinutes(3));
            assertThat(exit).isNotZero();
            assertThat(server.output()).contains("WebhookDelivery")
                .contains("<url>: host '2130706433' is IPv4 127.0.0.1: 127.0.0.1 is loopback");
            assertThat(receiver.deliveries()).isEmpty();
        }
    }

    private static HttpResponse<String> mint(ServerProcess server, String url) throws Exception {
        return server.webadmin("POST", "/mailhook/addresses", "{\"url\":\"" + url + "\"}");
    }
}
