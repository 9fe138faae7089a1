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
    public record Delivery(String webhookId, String body, boolean signatureValid, String verifyError, Map<String, String> headers) {
    }

    private final HttpServer server;
    private final Webhook verifier;
    private final ConcurrentLinkedQueue<Delivery> requests = new ConcurrentLinkedQueue<>();
    private volatile IntFunction<Integer> responder = n -> 204;
    private final java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();

    public RecordingReceiver(String secret) throws Exception {
        this.verifier = new Webhook(secret);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/webhook";
    }

    public void respondWith(IntFunction<Integer> responder) {
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
            requests.add(new Delivery(headers.get("webhook-id"), payload, error == null, error, headers));
            int status = responder.apply(count.incrementAndGet());
            exchange.sendResponseHeaders(status, -1);
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
