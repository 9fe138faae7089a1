package org.mailhook.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import org.mailhook.webhook.WebhookSecret;
import org.mailhook.webhook.WebhookSignature;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The demo webhook receiver: verifies each POST's Standard Webhooks signature over the raw body,
 * answers 204 for a valid delivery and 401 for an invalid one, prints a line per delivery and the
 * payload, and optionally writes each payload to {@code DIR/<webhook-id>.json}. A body larger than
 * its bound ({@link #DEFAULT_MAX_BODY_BYTES}) is answered 413 and never held whole.
 */
public final class DemoReceiver implements AutoCloseable {
    /** Bodies above this are refused with 413 (Mailhook's largest payloads are a 25 MB mail, base64 in JSON: ~34 MB). */
    public static final long DEFAULT_MAX_BODY_BYTES = 50L * 1024 * 1024;
    private final HttpServer server;
    private final AtomicLong verified = new AtomicLong();

    private DemoReceiver(HttpServer server) {
        this.server = server;
    }

    public static DemoReceiver start(String host, int port, WebhookSecret secret, Optional<Path> outDir,
                                     boolean printPayload, PrintStream out, Clock clock) throws IOException {
        return start(host, port, secret, outDir, printPayload, out, clock, DEFAULT_MAX_BODY_BYTES);
    }

    public static DemoReceiver start(String host, int port, WebhookSecret secret, Optional<Path> outDir,
                                     boolean printPayload, PrintStream out, Clock clock, long maxBodyBytes) throws IOException {
        if (maxBodyBytes < 1 || maxBodyBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxBodyBytes must be between 1 and " + (Integer.MAX_VALUE - 8));
        }
        if (outDir.isPresent()) {
            Files.createDirectories(outDir.get());
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 64);
        DemoReceiver receiver = new DemoReceiver(server);
        server.createContext("/", exchange -> receiver.handle(exchange, secret, outDir, printPayload, out, clock, maxBodyBytes));
        server.setExecutor(Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "mailhook-receiver");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
        return receiver;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public long verifiedCount() {
        return verified.get();
    }

    private void handle(HttpExchange exchange, WebhookSecret secret, Optional<Path> outDir, boolean printPayload,
                        PrintStream out, Clock clock, long maxBodyBytes) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                respond(exchange, 405, "POST only\n");
                return;
            }
            String declared = exchange.getRequestHeaders().getFirst("Content-Length");
            if (declared != null && declaredTooLarge(declared.trim(), maxBodyBytes)) {
                tooLarge(exchange, out, maxBodyBytes);
                return;
            }
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                // Chunked bodies have no length: read one byte past the bound, never more.
                body = in.readNBytes((int) maxBodyBytes + 1);
            }
            if (body.length > maxBodyBytes) {
                tooLarge(exchange, out, maxBodyBytes);
                return;
            }
            String id = exchange.getRequestHeaders().getFirst(WebhookSignature.ID_HEADER);
            Optional<String> problem = WebhookSignature.verify(secret, id,
                exchange.getRequestHeaders().getFirst(WebhookSignature.TIMESTAMP_HEADER),
                exchange.getRequestHeaders().getFirst(WebhookSignature.SIGNATURE_HEADER),
                body, clock, WebhookSignature.DEFAULT_TOLERANCE);
            if (problem.isPresent()) {
                synchronized (out) {
                    out.println("REJECTED webhook-id=" + id + " reason=" + problem.get());
                }
                respond(exchange, 401, problem.get() + "\n");
                return;
            }
            verified.incrementAndGet();
            if (outDir.isPresent()) {
                String safeName = id.replaceAll("[^A-Za-z0-9._-]", "_");
                Files.write(outDir.get().resolve(safeName + ".json"), body);
            }
            synchronized (out) {
                out.println("VERIFIED webhook-id=" + id + " bytes=" + body.length);
                if (printPayload) {
                    out.println(new String(body, StandardCharsets.UTF_8));
                }
                out.flush();
            }
            respond(exchange, 204, null);
        }
    }

    private static boolean declaredTooLarge(String contentLength, long maxBodyBytes) {
        try {
            return Long.parseLong(contentLength) > maxBodyBytes;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static void tooLarge(HttpExchange exchange, PrintStream out, long maxBodyBytes) throws IOException {
        synchronized (out) {
            out.println("REJECTED body larger than " + maxBodyBytes + " bytes (413)");
        }
        exchange.getResponseHeaders().set("Connection", "close");
        respond(exchange, 413, "body larger than " + maxBodyBytes + " bytes\n");
    }

    private static void respond(HttpExchange exchange, int status, String text) throws IOException {
        if (text == null) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream body = exchange.getResponseBody()) {
            body.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
