package org.mailhook.webhook;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Proxy;
import java.nio.charset.StandardCharsets;
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

/**
 * POSTs one signed webhook and reports what happened; it never throws for a failed delivery. One
 * OkHttp client (connection pool and dispatcher) is shared by all endpoints; each endpoint's timeouts
 * make a light derived client. Redirects are not followed (Standard Webhooks: a 3xx is a failure), TLS
 * certificates and host names are verified (OkHttp's defaults, never relaxed here), and every connection
 * goes through the {@link SsrfGuard}.
 */
public final class WebhookSender implements AutoCloseable {
    private static final MediaType JSON = MediaType.get("application/json");
    /** How much of an error response is kept in the attempt's error text. */
    private static final int EXCERPT_BYTES = 200;

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
     *     the guard, timeouts and redirect policy are always set on top of it
     */
    public WebhookSender(OkHttpClient base, SsrfGuard guard, String version, Clock clock) {
        this.base = base.newBuilder()
            .dns(guard)
            .followRedirects(false)
            .followSslRedirects(false)
            .build();
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
        Optional<String> refused = guard.refusalForHost(endpoint.url().host());
        if (refused.isPresent()) {
            return new AttemptResult(startedAt, 0, Duration.ZERO, refused, DeliveryOutcome.PERMANENT_FAILURE, Optional.empty());
        }
        Request request = new Request.Builder()
            .url(endpoint.url())
            .header("User-Agent", userAgent)
            .header(WebhookSignature.ID_HEADER, webhookId)
            .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestampSeconds))
            .header(WebhookSignature.SIGNATURE_HEADER,
                WebhookSignature.sign(endpoint.secrets(), endpoint.signingKey(), webhookId, timestampSeconds, payload))
            .post(RequestBody.create(payload, JSON))
            .build();
        try (Response response = clientFor(endpoint).newCall(request).execute()) {
            Duration latency = Duration.ofNanos(System.nanoTime() - start);
            int status = response.code();
            DeliveryOutcome outcome = DeliveryOutcome.forStatus(status);
            Optional<String> error = outcome == DeliveryOutcome.DELIVERED
                ? Optional.empty()
                : Optional.of("HTTP " + status + excerpt(response.body()));
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

    private OkHttpClient clientFor(Endpoint endpoint) {
        List<Duration> timeouts = List.of(endpoint.connectTimeout(), endpoint.readTimeout(), endpoint.callTimeout());
        return clientsByTimeouts.computeIfAbsent(timeouts, t -> base.newBuilder()
            .connectTimeout(t.get(0))
            .readTimeout(t.get(1))
            .writeTimeout(t.get(1))
            .callTimeout(t.get(2))
            .build());
    }

    private static String excerpt(ResponseBody body) {
        if (body == null) {
            return "";
        }
        try {
            body.source().request(EXCERPT_BYTES);
            byte[] bytes = body.source().getBuffer().readByteArray(Math.min(EXCERPT_BYTES, body.source().getBuffer().size()));
            String text = new String(bytes, StandardCharsets.UTF_8).replaceAll("\\s+", " ").trim();
            return text.isEmpty() ? "" : ": " + text;
        } catch (IOException | RuntimeException e) {
            return "";
        }
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
