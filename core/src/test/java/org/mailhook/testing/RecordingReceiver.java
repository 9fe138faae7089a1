package org.mailhook.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;

import com.standardwebhooks.Webhook;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP webhook endpoint for tests. Every request is recorded with its headers and raw body
 * and checked with the official Standard Webhooks Java library (not Mailhook's own code). The
 * answer for the n-th request (1-based) comes from {@code responder}.
 */
public final class RecordingReceiver implements AutoCloseable {
    public record Delivery(String webhookId, String body, boolean signatureValid, String verifyError, Map<String, String> headers,
                           java.time.Instant receivedAt) {
    }

    /** How to answer one request: status, extra headers, how long to wait before answering, and a body (none when empty). */
    public record Reply(int status, Map<String, String> headers, java.time.Duration delay, String body) {
        public Reply(int status, Map<String, String> headers, java.time.Duration delay) {
            this(status, headers, delay, "");
        }

        public static Reply of(int status) {
            return new Reply(status, Map.of(), java.time.Duration.ZERO);
        }

        /** A JSON body with this status. */
        public static Reply json(int status, String body) {
            return new Reply(status, Map.of("Content-Type", "application/json"), java.time.Duration.ZERO, body);
        }
    }

    private final HttpServer server;
    private final Webhook verifier;
    private final ConcurrentLinkedQueue<Delivery> requests = new ConcurrentLinkedQueue<>();
    private volatile java.util.function.Function<Delivery, Reply> responder = d -> Reply.of(204);
    private final java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();

    public RecordingReceiver(String secret) throws Exception {
        this.verifier = new Webhook(secret);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
    }

    /** For static fields of test classes: a receiver, or an unchecked failure. */
    public static RecordingReceiver startUnchecked(String secret) {
        try {
            return new RecordingReceiver(secret);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the test webhook receiver", e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/webhook";
    }

    /** The status for the n-th request (1-based). */
    public void respondWith(IntFunction<Integer> statusForRequest) {
        this.responder = delivery -> Reply.of(statusForRequest.apply(count.get()));
    }

    /** The full reply for each request, which is recorded before it is answered. */
    public void replyWith(java.util.function.Function<Delivery, Reply> responder) {
        this.responder = responder;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Map<String, String> headers = new TreeMap<>();
            Map<String, List<String>> lowerCase = new TreeMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> {
                headers.put(name.toLowerCase(), values.get(0));
                lowerCase.put(name.toLowerCase(), values);
            });
            String payload = new String(body, StandardCharsets.UTF_8);
            String error = null;
            try {
                verifier.verify(payload, lowerCase);
            } catch (Exception e) {
                error = e.toString();
            }
            Delivery delivery = new Delivery(headers.get("webhook-id"), payload, error == null, error, headers, java.time.Instant.now());
            requests.add(delivery);
            count.incrementAndGet();
            Reply reply = responder.apply(delivery);
            if (!reply.delay().isZero()) {
                try {
                    Thread.sleep(reply.delay().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            byte[] answer = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(reply.status(), answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                exchange.getResponseBody().write(answer);
            }
        }
    }

    public List<Delivery> deliveries() {
        return Collections.unmodifiableList(new ArrayList<>(requests));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
