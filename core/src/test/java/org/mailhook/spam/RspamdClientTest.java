package org.mailhook.spam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;

/** The client against a local HTTP server answering with Rspamd 3.4's own answers (recorded from a real rspamd). */
class RspamdClientTest {
    /** Rspamd 3.4's answer to a mail carrying the GTUBE test string. */
    static final String GTUBE_ANSWER = "{\"is_skipped\":true,\"score\":15.0,\"required_score\":15.0,\"action\":\"reject\","
        + "\"symbols\":{\"GTUBE\":{\"name\":\"GTUBE\",\"score\":0.0,\"metric_score\":0.0}},"
        + "\"messages\":{\"smtp_message\":\"Gtube pattern\"},\"message-id\":\"undef\",\"time_real\":0.251893}";
    /** Rspamd 3.4's answer to a short plain mail (some symbols left out). */
    static final String PLAIN_ANSWER = "{\"is_skipped\":false,\"score\":-0.100000,\"required_score\":15.0,\"action\":\"no action\","
        + "\"symbols\":{\"ARC_NA\":{\"name\":\"ARC_NA\",\"score\":0.0,\"metric_score\":0.0,\"description\":\"ARC signature absent\"},"
        + "\"MIME_GOOD\":{\"name\":\"MIME_GOOD\",\"score\":-0.100000,\"metric_score\":-0.100000,\"description\":\"Known content-type\","
        + "\"options\":[\"text/plain\"]},"
        + "\"RCPT_COUNT_ONE\":{\"name\":\"RCPT_COUNT_ONE\",\"score\":0.0,\"metric_score\":0.0,\"description\":\"One recipient\",\"options\":[\"1\"]},"
        + "\"MISSING_DATE\":{\"name\":\"MISSING_DATE\",\"score\":1.0,\"metric_score\":1.0,\"description\":\"Date header is missing\"}},"
        + "\"messages\":{},\"message-id\":\"x@b.example\",\"time_real\":0.024664,\"milter\":{\"remove_headers\":{\"X-Spam\":0}}}";
    private static final byte[] MAIL = "From: a@sender.example\r\nSubject: hi\r\n\r\nHello.\r\n".getBytes(StandardCharsets.US_ASCII);

    private MockWebServer server;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private RspamdClient client(Duration timeout) {
        return new RspamdClient("http://127.0.0.1:" + server.getPort(), timeout);
    }

    private static MockResponse rspamd(String json) {
        return new MockResponse().setHeader("Server", "rspamd/3.4").setHeader("Content-Type", "application/json").setBody(json);
    }

    @Test
    void sendsTheMailAndItsEnvelopeTheWayRspamdReadsThem() throws Exception {
        server.enqueue(rspamd(PLAIN_ANSWER));
        client(Duration.ofSeconds(5)).check(new SpamCheck(MAIL, "a@sender.example", List.of("x@inbound.example", "y@inbound.example"),
            "192.0.2.7", "mx.sender.example", "mx.sender.example", "Mail1234"));

        RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(request.getMethod()).isEqualTo("POST");
        assertThat(request.getPath()).isEqualTo("/checkv2");
        assertThat(request.getBody().readByteArray()).isEqualTo(MAIL);
        assertThat(request.getHeader("From")).isEqualTo("a@sender.example");
        assertThat(request.getHeaders().values("Rcpt")).containsExactly("x@inbound.example", "y@inbound.example");
        assertThat(request.getHeader("IP")).isEqualTo("192.0.2.7");
        assertThat(request.getHeader("Helo")).isEqualTo("mx.sender.example");
        assertThat(request.getHeader("Hostname")).isEqualTo("mx.sender.example");
        assertThat(request.getHeader("Queue-Id")).isEqualTo("Mail1234");
    }

    @Test
    void leavesOutWhatIsUnknownAndKeepsUtf8AddressesWithoutLineBreaks() throws Exception {
        server.enqueue(rspamd(PLAIN_ANSWER));
        client(Duration.ofSeconds(5)).check(new SpamCheck(MAIL, null, List.of("jürgen@inbound.example"), null, "evil\r\nX-Injected: 1",
            null, "Mail1"));

        RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(request.getHeader("From")).as("the null sender <> sends no From").isNull();
        assertThat(request.getHeader("IP")).isNull();
        assertThat(request.getHeader("Hostname")).isNull();
        assertThat(request.getHeader("X-Injected")).isNull();
        assertThat(request.getHeader("Helo")).isEqualTo("evilX-Injected: 1");
        assertThat(request.getHeader("Rcpt")).as("sent as UTF-8, read back as UTF-8").isEqualTo("jürgen@inbound.example");
    }

    @Test
    void readsRspamdsVerdictForGtube() {
        server.enqueue(rspamd(GTUBE_ANSWER));
        SpamVerdict verdict = client(Duration.ofSeconds(5)).check(new SpamCheck(MAIL, "a@sender.example", List.of("x@inbound.example"),
            "127.0.0.1", "h", null, "q"));

        assertThat(verdict.status()).isEqualTo(SpamVerdict.Status.SCORED);
        assertThat(verdict.action()).isEqualTo(SpamAction.REJECT);
        assertThat(verdict.score()).isEqualTo(15.0);
        assertThat(verdict.requiredScore()).isEqualTo(15.0);
        assertThat(verdict.scanner()).isEqualTo("rspamd");
        assertThat(verdict.version()).isEqualTo("3.4");
        assertThat(verdict.symbols()).containsExactly(new SpamVerdict.Symbol("GTUBE", 0.0, List.of()));
        assertThat(verdict.reason()).isNull();
    }

    @Test
    void symbolsComeHighestScoreFirstWithTheirOptions() throws Exception {
        SpamVerdict verdict = RspamdClient.parse(PLAIN_ANSWER, "3.4");

        assertThat(verdict.action()).isEqualTo(SpamAction.NO_ACTION);
        assertThat(verdict.score()).isEqualTo(-0.1);
        assertThat(verdict.symbols()).extracting(SpamVerdict.Symbol::name)
            .containsExactly("MISSING_DATE", "ARC_NA", "RCPT_COUNT_ONE", "MIME_GOOD");
        assertThat(verdict.symbols().get(3).options()).containsExactly("text/plain");

        JsonNode json = new ObjectMapper().readTree(verdict.toJson());
        assertThat(json.path("status").asText()).isEqualTo("scored");
        assertThat(json.path("action").asText()).isEqualTo("no action");
        assertThat(json.path("score").asDouble()).isEqualTo(-0.1);
        assertThat(json.path("requiredScore").asDouble()).isEqualTo(15.0);
        assertThat(json.path("version").asText()).isEqualTo("3.4");
        assertThat(json.at("/symbols/0/name").asText()).isEqualTo("MISSING_DATE");
        assertThat(json.at("/symbols/0/score").asDouble()).isEqualTo(1.0);
        assertThat(json.path("reason").isNull()).isTrue();
    }

    @Test
    void everyRspamdActionIsRead() {
        for (SpamAction action : SpamAction.values()) {
            String answer = "{\"score\":1.5,\"required_score\":15,\"action\":\"" + action.code() + "\",\"symbols\":{}}";
            assertThat(RspamdClient.parse(answer, null).action()).isEqualTo(action);
        }
        assertThat(SpamAction.fromCode("Soft_Reject")).contains(SpamAction.SOFT_REJECT);
    }

    @Test
    void aSlowRspamdIsUnavailableWithinTheTimeout() {
        server.enqueue(rspamd(PLAIN_ANSWER).setHeadersDelay(5, TimeUnit.SECONDS));
        SpamVerdict verdict = client(Duration.ofMillis(300)).check(new SpamCheck(MAIL, null, List.of(), null, null, null, null));

        assertThat(verdict.status()).isEqualTo(SpamVerdict.Status.UNAVAILABLE);
        assertThat(verdict.reason()).contains("timeout");
        assertThat(verdict.score()).isNull();
        assertThat(verdict.action()).isNull();
    }

    @Test
    void aStoppedRspamdIsUnavailable() throws Exception {
        int port = server.getPort();
        server.shutdown();
        SpamVerdict verdict = new RspamdClient("http://127.0.0.1:" + port, Duration.ofSeconds(2))
            .check(new SpamCheck(MAIL, null, List.of(), null, null, null, null));

        assertThat(verdict.status()).isEqualTo(SpamVerdict.Status.UNAVAILABLE);
        assertThat(verdict.reason()).contains("127.0.0.1:" + port);
        JsonNode json = new ObjectMapper().readTree(verdict.toJson());
        assertThat(json.path("status").asText()).isEqualTo("unavailable");
        assertThat(json.path("score").isNull()).isTrue();
        assertThat(json.path("action").isNull()).isTrue();
        assertThat(json.path("symbols").size()).isZero();
        assertThat(json.path("reason").asText()).isNotBlank();
    }

    @Test
    void anAnswerThatIsNotRspamdsIsUnavailable() {
        server.enqueue(new MockResponse().setResponseCode(500).setBody("oops"));
        server.enqueue(rspamd("{\"error\":\"no body\"}"));
        server.enqueue(rspamd("{\"score\":1,\"required_score\":15,\"action\":\"bounce\"}"));
        server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST));
        RspamdClient client = client(Duration.ofSeconds(5));
        SpamCheck mail = new SpamCheck(MAIL, null, List.of(), null, null, null, null);

        assertThat(client.check(mail).reason()).startsWith("HTTP 500");
        assertThat(client.check(mail).reason()).contains("without score");
        assertThat(client.check(mail).reason()).contains("unknown action 'bounce'");
        assertThat(client.check(mail).status()).isEqualTo(SpamVerdict.Status.UNAVAILABLE);
    }

    @Test
    void refusesAUrlThatIsNotHttp() {
        assertThatThrownBy(() -> new RspamdClient("127.0.0.1:11333", Duration.ofSeconds(1)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("url: '127.0.0.1:11333'");
    }
}
