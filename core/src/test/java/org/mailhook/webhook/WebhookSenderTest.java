package org.mailhook.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.standardwebhooks.Webhook;

import okhttp3.Dns;
import okhttp3.OkHttpClient;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;

/** Against a real HTTP server on a local socket. */
class WebhookSenderTest {
    private static final byte[] PAYLOAD = "{\"id\":\"m1\",\"subject\":\"Grüße\"}".getBytes(StandardCharsets.UTF_8);
    private static final SsrfGuard LOOPBACK_ALLOWED = new SsrfGuard(
        SsrfGuard.Policy.fromParameters(Map.of("allowLoopback", "true")::get), Dns.SYSTEM);

    private final String secret = WebhookSecret.generate(new SecureRandom());
    private MockWebServer server;
    private WebhookSender sender;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start(InetAddress.getByName("127.0.0.1"), 0);
        sender = new WebhookSender(LOOPBACK_ALLOWED, "0.1.0-test", Clock.systemUTC());
    }

    @AfterEach
    void stop() throws Exception {
        sender.close();
        server.shutdown();
    }

    private Endpoint.Builder endpoint(String path) {
        return Endpoint.builder("orders", server.url(path).toString()).secret(WebhookSecret.parse(secret));
    }

    @Test
    void deliversASignedPostTheOfficialLibraryAccepts() throws Exception {
        server.enqueue(new MockResponse().setResponseCode(204));
        long now = Instant.now().getEpochSecond();

        AttemptResult result = sender.send(endpoint("/hook").build(), "msg_abc123", now, PAYLOAD);

        assertThat(result.outcome()).isEqualTo(DeliveryOutcome.DELIVERED);
        assertThat(result.status()).isEqualTo(204);
        assertThat(result.error()).isEmpty();
        RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(request.getMethod()).isEqualTo("POST");
        assertThat(request.getPath()).isEqualTo("/hook");
        assertThat(request.getHeader("User-Agent")).isEqualTo("Mailhook/0.1.0-test");
        assertThat(request.getHeader("Content-Type")).isEqualTo("application/json");
        assertThat(request.getHeader("webhook-id")).isEqualTo("msg_abc123");
        assertThat(request.getHeader("webhook-timestamp")).isEqualTo(Long.toString(now));
        assertThat(request.getBody().readByteArray()).isEqualTo(PAYLOAD);
        new Webhook(secret).verify(new String(PAYLOAD, StandardCharsets.UTF_8), Map.of(
            "webhook-id", List.of(request.getHeader("webhook-id")),
            "webhook-timestamp", List.of(request.getHeader("webhook-timestamp")),
            "webhook-signature", List.of(request.getHeader("webhook-signature"))));
    }

    @Test
    void statusesBecomeOutcomesWithAFixedReasonNeverTheResponseBody() {
        server.enqueue(new MockResponse().setResponseCode(500).setBody("database   down\n"));
        server.enqueue(new MockResponse().setResponseCode(429).setHeader("Retry-After", "7"));
        server.enqueue(new MockResponse().setResponseCode(410));
        server.enqueue(new MockResponse().setResponseCode(400).setBody("{\"secret\":\"internal-token\"}").setStatus("HTTP/1.1 400 internal-token"));
        Endpoint endpoint = endpoint("/hook").build();

        AttemptResult serverError = sender.send(endpoint, "msg_1", 1L, PAYLOAD);
        assertThat(serverError.outcome()).isEqualTo(DeliveryOutcome.RETRY);
        assertThat(serverError.error()).contains("HTTP 500: receiver error");
        AttemptResult limited = sender.send(endpoint, "msg_1", 2L, PAYLOAD);
        assertThat(limited.outcome()).isEqualTo(DeliveryOutcome.RETRY);
        assertThat(limited.retryAfter()).contains(Duration.ofSeconds(7));
        assertThat(sender.send(endpoint, "msg_1", 3L, PAYLOAD).outcome()).isEqualTo(DeliveryOutcome.GONE);
        AttemptResult bad = sender.send(endpoint, "msg_1", 4L, PAYLOAD);
        assertThat(bad.outcome()).isEqualTo(DeliveryOutcome.PERMANENT_FAILURE);
        // Neither the body nor the reason phrase: the deliveries API shows this text.
        assertThat(bad.error()).contains("HTTP 400: refused by the receiver");
    }

    @Test
    void redirectsAreNotFollowed() {
        server.enqueue(new MockResponse().setResponseCode(301).setHeader("Location", server.url("/elsewhere")));
        server.enqueue(new MockResponse().setResponseCode(200));

        AttemptResult result = sender.send(endpoint("/hook").build(), "msg_1", 1L, PAYLOAD);

        assertThat(result.outcome()).isEqualTo(DeliveryOutcome.PERMANENT_FAILURE);
        assertThat(result.status()).isEqualTo(301);
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aSlowReceiverTimesOutAndIsRetried() {
        server.enqueue(new MockResponse().setResponseCode(200).setHeadersDelay(3, TimeUnit.SECONDS));

        AttemptResult result = sender.send(endpoint("/slow").readTimeout(Duration.ofMillis(300)).build(), "msg_1", 1L, PAYLOAD);

        assertThat(result.outcome()).isEqualTo(DeliveryOutcome.RETRY);
        assertThat(result.status()).isZero();
        assertThat(result.error().orElseThrow()).startsWith("timeout");
        assertThat(result.latency()).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void theCallTimeoutBoundsTheWholeRequest() {
        server.enqueue(new MockResponse().setResponseCode(200).setBody("x".repeat(100))
            .throttleBody(10, 1, TimeUnit.SECONDS).setHeadersDelay(900, TimeUnit.MILLISECONDS));

        AttemptResult result = sender.send(endpoint("/slow").readTimeout(Duration.ofSeconds(5))
            .callTimeout(Duration.ofMillis(400)).build(), "msg_1", 1L, PAYLOAD);

        assertThat(result.outcome()).isEqualTo(DeliveryOutcome.RETRY);
        assertThat(result.error().orElseThrow()).startsWith("timeout");
    }

    @Test
    void networkErrorsAreRetried() throws Exception {
        server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AT_START));
        AttemptResult dropped = sender.send(endpoint("/hook").build(), "msg_1", 1L, PAYLOAD);
        assertThat(dropped.outcome()).isEqualTo(DeliveryOutcome.RETRY);
        assertThat(dropped.error()).isPresent();

        Endpoint closed = endpoint("/hook").build();
        server.shutdown();
        AttemptResult refused = sender.send(closed, "msg_1", 2L, PAYLOAD);
        assertThat(refused.outcome()).isEqualTo(DeliveryOutcome.RETRY);
        assertThat(refused.error().orElseThrow()).contains("ConnectException");
    }

    @Test
    void theSsrfGuardStopsLiteralAndResolvedInternalAddresses() {
        server.enqueue(new MockResponse().setResponseCode(200));
        try (WebhookSender strict = new WebhookSender(new SsrfGuard(SsrfGuard.Policy.strict(), Dns.SYSTEM), "t", Clock.systemUTC())) {
            AttemptResult literal = strict.send(endpoint("/hook").build(), "msg_1", 1L, PAYLOAD);
            assertThat(literal.outcome()).isEqualTo(DeliveryOutcome.PERMANENT_FAILURE);
            assertThat(literal.error().orElseThrow()).contains("127.0.0.1 is loopback");

            Endpoint byName = Endpoint.builder("orders", "http://localhost:" + server.getPort() + "/hook")
                .secret(WebhookSecret.parse(secret)).build();
            AttemptResult resolved = strict.send(byName, "msg_1", 1L, PAYLOAD);
            assertThat(resolved.outcome()).isEqualTo(DeliveryOutcome.PERMANENT_FAILURE);
            assertThat(resolved.error().orElseThrow()).contains("is loopback");
        }
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void hostsInOtherIpv4NotationsAreRefusedWithoutARequest() {
        server.enqueue(new MockResponse().setResponseCode(200));
        for (String host : List.of("2130706433", "127.1", "0177.0.0.1", "0x7f.0.0.1", "0x7f000001", "[::ffff:7f00:1]", "[::127.0.0.1]")) {
            try (WebhookSender strict = new WebhookSender(new SsrfGuard(SsrfGuard.Policy.strict(), Dns.SYSTEM), "t", Clock.systemUTC())) {
                Endpoint endpoint = Endpoint.builder("orders", "http://" + host + ":" + server.getPort() + "/hook")
                    .secret(WebhookSecret.parse(secret)).build();
                AttemptResult result = strict.send(endpoint, "msg_1", 1L, PAYLOAD);
                assertThat(result.outcome()).as(host).isEqualTo(DeliveryOutcome.PERMANENT_FAILURE);
                assertThat(result.error().orElseThrow()).as(host).contains("127.0.0.1").contains("is loopback");
            }
        }
        // With loopback allowed, only the dotted quad is accepted.
        Endpoint decimal = Endpoint.builder("orders", "http://2130706433:" + server.getPort() + "/hook")
            .secret(WebhookSecret.parse(secret)).build();
        assertThat(sender.send(decimal, "msg_1", 1L, PAYLOAD).error().orElseThrow()).contains("non-standard notation");
        assertThat(server.getRequestCount()).isZero();
    }

    /**
     * The socket check alone, inside OkHttp: a resolver that answers loopback (as a rebinding DNS server
     * or a path around the Dns hook would) gets no connection, and the receiver sees nothing.
     */
    @Test
    void theGuardedSocketFactoryRefusesInsideOkHttpBeforeConnecting() throws Exception {
        server.enqueue(new MockResponse().setResponseCode(200));
        SsrfGuard strict = new SsrfGuard(SsrfGuard.Policy.strict(), Dns.SYSTEM);
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        OkHttpClient client = new OkHttpClient.Builder()
            .dns(host -> List.of(InetAddress.getByName("127.0.0.1")))
            .socketFactory(strict.socketFactory())
            .eventListener(new okhttp3.EventListener() {
                @Override
                public void connectStart(okhttp3.Call call, java.net.InetSocketAddress address, java.net.Proxy proxy) {
                    events.add("connectStart " + address);
                }

                @Override
                public void connectEnd(okhttp3.Call call, java.net.InetSocketAddress address, java.net.Proxy proxy, okhttp3.Protocol protocol) {
                    events.add("connectEnd");
                }
            })
            .build();
        okhttp3.Request request = new okhttp3.Request.Builder().url("http://hooks.test:" + server.getPort() + "/hook").build();
        assertThatThrownByIo(() -> client.newCall(request).execute().close(), "127.0.0.1 is loopback");
        assertThat(events).isNotEmpty().noneMatch(e -> e.equals("connectEnd"));
        assertThat(server.getRequestCount()).isZero();
        client.dispatcher().executorService().shutdown();
    }

    private static void assertThatThrownByIo(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        org.assertj.core.api.Assertions.assertThatThrownBy(call)
            .isInstanceOf(SsrfGuard.RefusedException.class).hasMessageContaining(message);
    }

    @Test
    void rebindingToAnInternalAddressIsRefusedAtConnectTime() throws Exception {
        server.enqueue(new MockResponse().setResponseCode(200));
        server.enqueue(new MockResponse().setResponseCode(200));
        // Only 127.0.0.1 is allowed; the name first resolves there, then "rebinds" to 127.0.0.2.
        Deque<List<InetAddress>> answers = new ArrayDeque<>(List.of(
            List.of(InetAddress.getByName("127.0.0.1")), List.of(InetAddress.getByName("127.0.0.2"))));
        SsrfGuard guard = new SsrfGuard(SsrfGuard.Policy.fromParameters(Map.of("allowCidrs", "127.0.0.1/32")::get),
            host -> answers.removeFirst());
        OkHttpClient base = new OkHttpClient();
        try (WebhookSender pinned = new WebhookSender(base, guard, "t", Clock.systemUTC())) {
            Endpoint endpoint = Endpoint.builder("orders", "http://hooks.test:" + server.getPort() + "/hook")
                .secret(WebhookSecret.parse(secret)).build();
            assertThat(pinned.send(endpoint, "msg_1", 1L, PAYLOAD).outcome()).isEqualTo(DeliveryOutcome.DELIVERED);
            base.connectionPool().evictAll();
            AttemptResult rebound = pinned.send(endpoint, "msg_1", 2L, PAYLOAD);
            assertThat(rebound.outcome()).isEqualTo(DeliveryOutcome.PERMANENT_FAILURE);
            assertThat(rebound.error().orElseThrow()).contains("127.0.0.2 is loopback");
        }
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void tlsCertificatesAreVerified() throws Exception {
        HeldCertificate ca = new HeldCertificate.Builder().certificateAuthority(0).build();
        HeldCertificate serverCert = new HeldCertificate.Builder().addSubjectAlternativeName("localhost").signedBy(ca).build();
        server.useHttps(new HandshakeCertificates.Builder().heldCertificate(serverCert).build().sslSocketFactory(), false);
        server.enqueue(new MockResponse().setResponseCode(200));
        server.enqueue(new MockResponse().setResponseCode(200));
        Endpoint endpoint = Endpoint.builder("orders", "https://localhost:" + server.getPort() + "/hook")
            .secret(WebhookSecret.parse(secret)).build();

        AttemptResult untrusted = sender.send(endpoint, "msg_1", 1L, PAYLOAD);
        assertThat(untrusted.outcome()).isEqualTo(DeliveryOutcome.RETRY);
        assertThat(untrusted.error().orElseThrow()).contains("SSLHandshakeException");

        HandshakeCertificates trustingOurCa = new HandshakeCertificates.Builder().addTrustedCertificate(ca.certificate()).build();
        OkHttpClient base = new OkHttpClient.Builder()
            .sslSocketFactory(trustingOurCa.sslSocketFactory(), trustingOurCa.trustManager()).build();
        try (WebhookSender trusting = new WebhookSender(base, LOOPBACK_ALLOWED, "t", Clock.systemUTC())) {
            assertThat(trusting.send(endpoint, "msg_1", 2L, PAYLOAD).outcome()).isEqualTo(DeliveryOutcome.DELIVERED);
        }
    }

    @Test
    void retryAfterDatesUseTheInjectedClock() {
        Clock clock = Clock.fixed(Instant.parse("2015-10-21T07:28:00Z"), ZoneOffset.UTC);
        server.enqueue(new MockResponse().setResponseCode(503).setHeader("Retry-After", "Wed, 21 Oct 2015 07:30:00 GMT"));
        try (WebhookSender pinned = new WebhookSender(LOOPBACK_ALLOWED, "t", clock)) {
            AttemptResult result = pinned.send(endpoint("/hook").build(), "msg_1", 1L, PAYLOAD);
            assertThat(result.retryAfter()).isEqualTo(Optional.of(Duration.ofMinutes(2)));
            assertThat(result.startedAt()).isEqualTo(clock.instant());
        }
    }

    @Test
    void aSlowEndpointCannotTakeEveryPermit() throws Exception {
        EndpointLimiter limiter = new EndpointLimiter();
        Endpoint slow = endpoint("/slow").maxConcurrent(2).build();
        Endpoint fast = Endpoint.builder("fast", server.url("/fast").toString()).secret(WebhookSecret.parse(secret)).build();
        server.setDispatcher(new okhttp3.mockwebserver.Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return request.getPath().equals("/slow")
                    ? new MockResponse().setResponseCode(200).setHeadersDelay(4000, TimeUnit.MILLISECONDS)
                    : new MockResponse().setResponseCode(200);
            }
        });
        List<Thread> slowWorkers = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            EndpointLimiter.Permit permit = limiter.tryAcquire(slow, Duration.ZERO).orElseThrow();
            Thread worker = new Thread(() -> {
                try (permit) {
                    sender.send(slow, "msg_s", 1L, PAYLOAD);
                }
            });
            worker.start();
            slowWorkers.add(worker);
        }
        assertThat(limiter.inFlight(slow)).isEqualTo(2);
        assertThat(limiter.tryAcquire(slow, Duration.ZERO)).isEmpty();
        long start = System.nanoTime();
        try (EndpointLimiter.Permit permit = limiter.tryAcquire(fast, Duration.ZERO).orElseThrow()) {
            assertThat(sender.send(fast, "msg_f", 1L, PAYLOAD).outcome()).isEqualTo(DeliveryOutcome.DELIVERED);
        }
        // answered long before the slow endpoint's 4 s (with room for a loaded 2-core CI machine)
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
        for (Thread worker : slowWorkers) {
            worker.join(10_000);
        }
        assertThat(limiter.inFlight(slow)).isZero();
        assertThat(limiter.tryAcquire(slow, Duration.ZERO)).isPresent();
    }

    @Test
    void aWaitingConsumerGetsTheSlotFreedDuringItsWait() throws Exception {
        EndpointLimiter limiter = new EndpointLimiter();
        Endpoint one = endpoint("/one").maxConcurrent(1).build();
        EndpointLimiter.Permit held = limiter.tryAcquire(one, Duration.ZERO).orElseThrow();
        assertThat(limiter.tryAcquire(one, Duration.ZERO)).isEmpty();
        Thread releaser = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            held.close();
        });
        releaser.start();

        Optional<EndpointLimiter.Permit> waited = limiter.tryAcquire(one, Duration.ofSeconds(30));

        assertThat(waited).isPresent();
        assertThat(limiter.inFlight(one)).isEqualTo(1);
        waited.get().close();
        assertThat(limiter.inFlight(one)).isZero();
        releaser.join();
    }
}
