import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;

/**
 * Mailhook webhook receiver in plain Java with the official com.standardwebhooks library.
 *
 * Verifies the signature over the raw body, records the webhook-id under a unique constraint (so a
 * retried delivery is recognised), answers 200 at once and does the work afterwards.
 *
 *   WEBHOOK_SECRET=whsec_... PORT=8000 DATA_DIR=. java -cp standardwebhooks-1.2.0.jar Receiver.java
 */
public class Receiver {
    private static final ExecutorService WORK = Executors.newSingleThreadExecutor();

    public static void main(String[] args) throws Exception {
        Webhook webhook = new Webhook(System.getenv("WEBHOOK_SECRET"));
        Path seen = Path.of(System.getenv().getOrDefault("DATA_DIR", "."), "webhook-ids");
        Files.createDirectories(seen);
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8000"));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/webhook", exchange -> handle(exchange, webhook, seen));
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        System.out.println("listening on http://127.0.0.1:" + server.getAddress().getPort() + "/webhook");
    }

    private static void handle(HttpExchange exchange, Webhook webhook, Path seen) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes(); // the raw bytes: never re-serialise JSON before verifying
        }
        String id = exchange.getRequestHeaders().getFirst("webhook-id");
        Map<String, List<String>> headers = new HashMap<>();
        for (String name : List.of("webhook-id", "webhook-timestamp", "webhook-signature")) {
            List<String> values = exchange.getRequestHeaders().get(name);
            if (values != null) {
                headers.put(name, values);
            }
        }
        try {
            webhook.verify(new String(body, StandardCharsets.UTF_8), headers);
        } catch (WebhookVerificationException e) {
            answer(exchange, 401, "{\"error\":\"" + e.getMessage() + "\"}");
            return;
        }
        if (!recordOnce(seen, id, body)) {
            answer(exchange, 200, "{\"status\":\"duplicate\"}"); // a retry of something we already have
            return;
        }
        answer(exchange, 200, "{\"status\":\"accepted\"}");
        // Stored above; the slow work happens after the ack.
        WORK.submit(() -> System.out.println("processed " + id + " (" + body.length + " bytes)"));
    }

    /**
     * The unique constraint: creating a file that exists fails atomically (O_EXCL). With a database,
     * use a UNIQUE/PRIMARY KEY column on webhook_id and treat a conflict the same way.
     */
    private static boolean recordOnce(Path seen, String id, byte[] body) throws IOException {
        try {
            String name = HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8)));
            Files.write(seen.resolve(name), body, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] data = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("content-type", "application/json");
        exchange.sendResponseHeaders(status, data.length);
        exchange.getResponseBody().write(data);
        exchange.close();
    }
}
