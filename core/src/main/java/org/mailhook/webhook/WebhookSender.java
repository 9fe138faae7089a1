package org.mailhook.webhook;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import okhttp3.ConnectionPool;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;

/**
 * POSTs one signed webhook and reports what happened; it never throws for a failed delivery. One
 * OkHttp client (connection pool and dispatcher) is shared by all endpoints; each endpoint's timeouts
 * make a light derived client. Redirects are not followed (Standard Webhooks: a 3xx is a failure), TLS
 * certificates and host names are verified (OkHttp's defaults, never relaxed here), and every connection
 * goes through the {@link SsrfGuard}: the endpoint's host, each DNS answer, and the address each socket
 * connects to. A failed attempt is described by its status and a fixed reason, never by the response
 * body, so the attempt history (shown by the deliveries API) cannot be used to read internal services.
 */
public final class WebhookSender implements AutoCloseable {
    private static final MediaType JSON = MediaType.get("application/json");

    private final OkHttpClient base;
    private final SsrfGuard guard;
    private final String userAgent;
    private final Clock clock;
    private final Map<List<Duration>, OkHttpClient> clientsByTimeouts = new ConcurrentHashMap<>();

    /**
     * @param version goes into {@code User-Agent: Mailhook/<version>}
     */
    public WebhookSender(SsrfGuard guard, String version, Clock clock) {
        this(new OkHttpClient.Builder()
            .connectionPool(new ConnectionPool(32, 5, TimeUnit.MINUTES))
            // A JVM-wide proxy setting would resolve names itself and bypass the guard; an operator who
            // wants an egress proxy (such as smokescreen) passes a client configured for it.
            .proxy(Proxy.NO_PROXY)
            .build(), guard, version, clock);
    }

    /**
     * @param base a client whose pool, dispatcher, TLS and proxy settings are used (tests trust their own CA here);
     *     the guard, timeouts and redirect policy are always set on top of it. With an explicit proxy the
     *     sockets connect to the proxy, which resolves and connects itself, so only the URL is checked here.
     */
    public WebhookSender(OkHttpClient base, SsrfGuard guard, String version, Clock clock) {
        OkHttpClient.Builder builder = base.newBuilder()
            .dns(guard)
            .followRedirects(false)
            .followSslRedirects(false);
        if (base.proxy() == null || base.proxy().type() == Proxy.Type.DIRECT) {
            builder.socketFactory(guard.socketFactory());
        }
        this.base = builder.build();
        this.guard = guard;
        this.userAgent = "Mailhook/" + version;
        this.clock = clock;
    }

    /**
     * Signs and POSTs the payload with the Standard Webhooks headers.
     *
     * @param webhookId the same on every attempt for this mail and endpoint (the receiver's idempotency key)
     * @param timestampSeconds this attempt's time, signed and sent as {@code webhook-timestamp}
     */
    public AttemptResult send(Endpoint endpoint, String webhookId, long timestampSeconds, byte[] payload) {
        Instant startedAt = clock.instant();
        long start = System.nanoTime();
        Optional<String> refused = guard.refusalForUrl(endpoint.url());
        if (refused.isPresent()) {
            return new AttemptResult(startedAt, 0, Duration.ZERO, refused, DeliveryOutcome.PERMANENT_FAILURE, Optional.empty());
        }
        try (Response response = clientFor(endpoint).newCall(signed(endpoint, webhookId, timestampSeconds, payload)).execute()) {
            Duration latency = Duration.ofNanos(System.nanoTime() - start);
            int status = response.code();
            DeliveryOutcome outcome = DeliveryOutcome.forStatus(status);
            Optional<String> error = outcome == DeliveryOutcome.DELIVERED
                ? Optional.empty()
                : Optional.of("HTTP " + status + ": " + reason(status));
            return new AttemptResult(startedAt, status, latency, error, outcome,
                RetryAfter.parse(response.header("Retry-After"), clock));
        } catch (IOException e) {
            Duration latency = Duration.ofNanos(System.nanoTime() - start);
            if (causedBy(e, SsrfGuard.RefusedException.class)) {
                return new AttemptResult(startedAt, 0, latency, Optional.of(e.getMessage()),
                    DeliveryOutcome.PERMANENT_FAILURE, Optional.empty());
            }
            return new AttemptResult(startedAt, 0, latency, Optional.of(describe(e)), DeliveryOutcome.RETRY, Optional.empty());
        }
    }

    /** A response's status and the first bytes of its body. */
    public record Reply(int status, byte[] body) {
    }

    /**
     * Signs and POSTs the payload as {@link #send} does, through the same guard, for a caller that reads the
     * answer (the recipient callback): the status and at most {@code maxBody} bytes of the body.
     *
     * @throws SsrfGuard.RefusedException when the policy refuses the URL or every address of its host
     * @throws IOException when no complete answer came within the endpoint's timeouts
     */
    public Reply exchange(Endpoint endpoint, String webhookId, long timestampSeconds, byte[] payload, int maxBody) throws IOException {
        Optional<String> refused = guard.refusalForUrl(endpoint.url());
        if (refused.isPresent()) {
            throw new SsrfGuard.RefusedException(refused.get());
        }
        try (Response response = clientFor(endpoint).newCall(signed(endpoint, webhookId, timestampSeconds, payload)).execute()) {
            ResponseBody body = response.body();
            if (body == null) {
                return new Reply(response.code(), new byte[0]);
            }
            BufferedSource source = body.source();
            source.request(maxBody);
            return new Reply(response.code(), source.getBuffer().readByteArray(Math.min(maxBody, source.getBuffer().size())));
        }
    }

    private Request signed(Endpoint endpoint, String webhookId, long timestampSeconds, byte[] payload) {
        return new Request.Builder()
            .url(endpoint.url())
            .header("User-Agent", userAgent)
            .header(WebhookSignature.ID_HEADER, webhookId)
            .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestampSeconds))
            .header(WebhookSignature.SIGNATURE_HEADER,
                WebhookSignature.sign(endpoint.secrets(), endpoint.signingKey(), webhookId, timestampSeconds, payload))
            .post(RequestBody.create(payload, JSON))
            .build();
    }

    private OkHttpClient clientFor(Endpoint endpoint) {
        List<Duration> timeouts = List.of(endpoint.connectTimeout(), endpoint.readTimeout(), endpoint.callTimeout());
        return clientsByTimeouts.computeIfAbsent(timeouts, t -> base.newBuilder()
            .connectTimeout(t.get(0))
            .readTimeout(t.get(1))
            .writeTimeout(t.get(1))
            .callTimeout(t.get(2))
            .build());
    }

    /** A fixed reason per status class: the response's own reason phrase and body are the receiver's words, never kept. */
    static String reason(int status) {
        if (status >= 300 && status <= 399) {
            return "redirect (not followed)";
        }
        if (status == 410) {
            return "gone (the endpoint asks for no more webhooks)";
        }
        if (status == 408 || status == 425 || status == 429) {
            return "receiver busy or timed out";
        }
        if (status >= 400 && status <= 499) {
            return "refused by the receiver";
        }
        if (status >= 500 && status <= 599) {
            return "receiver error";
        }
        return "unexpected status";
    }

    private static String describe(IOException e) {
        String kind = e instanceof InterruptedIOException ? "timeout" : e.getClass().getSimpleName();
        return kind + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** Closes idle connections and stops the dispatcher's threads. */
    @Override
    public void close() {
        base.dispatcher().executorService().shutdown();
        base.connectionPool().evictAll();
    }
}
