package org.mailhook.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import okhttp3.Dns;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.mailhook.testing.NodePackages;

/**
 * Runs the receiver examples of docs/receivers as real processes and sends them webhooks signed by our
 * signer: the first delivery is accepted and processed once, a retry with the same webhook-id is acked
 * as a duplicate, a tampered body or a stale timestamp is refused.
 */
class ReceiverExamplesTest {
    private static final byte[] PAYLOAD = ("{\"id\":\"mh_1\", \"subject\": \"Grüße – 日本語\",\n"
        + "  \"to\": [\"orders+42@shop.example\"]}").getBytes(StandardCharsets.UTF_8);

    private final String secret = WebhookSecret.generate(new SecureRandom());

    @Test
    void pythonReceiver(@TempDir Path data) throws Exception {
        exercise(new ProcessBuilder("python3", examples().resolve("python/receiver.py").toString()), data);
    }

    @Test
    void javaReceiverWithTheOfficialLibrary(@TempDir Path data) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        exercise(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
            examples().resolve("java/Receiver.java").toString()), data);
    }

    @Test
    void nodeReceiverWithTheStandardwebhooksPackage(@TempDir Path data) throws Exception {
        ProcessBuilder node = new ProcessBuilder("node", examples().resolve("node/receiver.js").toString());
        node.environment().put("NODE_PATH", NodePackages.modules().toString());
        exercise(node, data);
    }

    private void exercise(ProcessBuilder builder, Path data) throws Exception {
        builder.environment().put("WEBHOOK_SECRET", secret);
        builder.environment().put("PORT", "0");
        builder.environment().put("DATA_DIR", data.toString());
        builder.redirectErrorStream(true);
        Process process = builder.start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("read error: " + e);
            }
        });
        reader.start();
        try {
            String url = awaitLine(lines, "listening on ").substring("listening on ".length());
            WebhookSecret key = WebhookSecret.parse(secret);
            long now = Instant.now().getEpochSecond();

            // The first delivery goes through the real sender, as the queue consumer sends it.
            Endpoint endpoint = Endpoint.builder("example", url).secret(key).build();
            try (WebhookSender sender = new WebhookSender(
                new SsrfGuard(SsrfGuard.Policy.fromParameters(Map.of("allowLoopback", "true")::get), Dns.SYSTEM),
                "test", Clock.systemUTC())) {
                AttemptResult first = sender.send(endpoint, "msg_first", now, PAYLOAD);
                assertThat(first.outcome()).as("%s", first).isEqualTo(DeliveryOutcome.DELIVERED);
            }
            assertThat(awaitLine(lines, "processed ")).startsWith("processed msg_first");

            String signature = WebhookSignature.sign(List.of(key), "msg_first", now + 1, PAYLOAD);
            assertThat(post(url, "msg_first", now + 1, signature, PAYLOAD)).isEqualTo("200 {\"status\":\"duplicate\"}");

            String fresh = WebhookSignature.sign(List.of(key), "msg_second", now, PAYLOAD);
            assertThat(post(url, "msg_second", now, fresh, PAYLOAD)).isEqualTo("200 {\"status\":\"accepted\"}");
            assertThat(awaitLine(lines, "processed ")).startsWith("processed msg_second");

            byte[] tampered = new String(PAYLOAD, StandardCharsets.UTF_8).replace("42", "43").getBytes(StandardCharsets.UTF_8);
            assertThat(post(url, "msg_second", now, fresh, tampered)).startsWith("401");
            long stale = now - 600;
            assertThat(post(url, "msg_third", stale, WebhookSignature.sign(List.of(key), "msg_third", stale, PAYLOAD), PAYLOAD))
                .startsWith("401");
            // Nothing was processed twice, and refused requests were not processed at all.
            TimeUnit.MILLISECONDS.sleep(300);
            assertThat(lines.stream().filter(line -> line.startsWith("processed "))).isEmpty();
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static String post(String url, String id, long timestamp, String signature, byte[] body) throws IOException {
        Request request = new Request.Builder().url(url)
            .header("webhook-id", id)
            .header("webhook-timestamp", Long.toString(timestamp))
            .header("webhook-signature", signature)
            .post(RequestBody.create(body, MediaType.get("application/json")))
            .build();
        try (Response response = new OkHttpClient().newCall(request).execute()) {
            return response.code() + " " + response.body().string().replace(" ", "");
        }
    }

    private static String awaitLine(BlockingQueue<String> lines, String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        StringBuilder seen = new StringBuilder();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line == null) {
                continue;
            }
            if (line.startsWith(prefix)) {
                return line;
            }
            seen.append(line).append('\n');
        }
        return Assertions.fail("no line starting with '" + prefix + "' within 60 s; output:\n" + seen);
    }

    private static Path examples() {
        Path docs = Path.of(System.getProperty("user.dir")).getParent().resolve("docs/receivers");
        assertThat(docs).isDirectory();
        return docs;
    }
}
