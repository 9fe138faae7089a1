package org.mailhook.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.testing.RecordingReceiver;
import org.mailhook.testing.SmtpClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The free-space guard on the assembled server, its data directory on a small file system of its
 * own: the server runs in a mount namespace ({@code unshare -m}) where a tmpfs is mounted on the data
 * directory; the test reaches that file system through {@code /proc/<pid>/root}. Filled below the
 * default threshold (2 x maxmessagesize + 64 MB), SMTP answers 452 4.3.1 and the server keeps running;
 * emptied, mail is accepted again, and every mail ever answered 250 reaches the endpoint exactly once.
 * Needs root (mount) and unshare: aborted without them, failed when {@code mailhook.services.required}.
 */
class FreeSpaceGuardIT {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final long MB = 1024 * 1024;
    private static final int TMPFS_MB = 128;
    private static final int MAX_MESSAGE_KB = 1024;
    /** The default threshold for MAX_MESSAGE_KB: 2 x 1 MB + 64 MB. */
    private static final long THRESHOLD = 2L * MAX_MESSAGE_KB * 1024 + 64 * MB;

    @Test
    void aFullDataFileSystemAnswers452AndEveryAcceptedMailIsDeliveredOnce(@TempDir Path dir) throws Exception {
        requireMountNamespaces();
        Path data = dir.resolve("data");
        Map<String, String> env = smallServerEnv("10*2s");
        try (RecordingReceiver receiver = new RecordingReceiver(SECRET)) {
            ServerProcess server = onSmallFileSystem(ServerProcess.mailhook(data, receiver.url(), SECRET, env));
            try (server) {
                server.start();
                // The data directory as the server sees it: the tmpfs inside its mount namespace.
                Path inside = Path.of("/proc/" + server.pid() + "/root" + data);
                assertThat(Files.exists(inside.resolve("conf/smtpserver.xml"))).as("rendered conf on the tmpfs").isTrue();
                assertThat(Files.exists(data.resolve("conf"))).as("nothing of the server outside the tmpfs").isFalse();
                long freeAtStart = free(inside);
                System.out.printf("FREESPACE tmpfs %d MB, %d bytes free after start, threshold %d%n", TMPFS_MB, freeAtStart, THRESHOLD);
                assertThat(freeAtStart).as("room above the threshold to start with").isGreaterThan(THRESHOLD + THRESHOLD / 10);

                List<String> accepted = new ArrayList<>();
                List<String> refused = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    String subject = "before-" + i;
                    assertThat(send(server, subject)).startsWith("250");
                    accepted.add(subject);
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> subjects(receiver).keySet().containsAll(accepted));

                // A mail whose MAIL FROM came while there was room, and the space runs out during DATA:
                // the end of DATA reads again and answers 452 below the bare minimum (half the threshold).
                Path filler = inside.resolve("filler");
                try (SmtpClient smtp = new SmtpClient(server.smtpPort())) {
                    smtp.command("EHLO disk.example");
                    assertThat(smtp.command("MAIL FROM:<sender@example.org>")).startsWith("250");
                    assertThat(smtp.command("RCPT TO:<during-data@inbound.localhost>")).startsWith("250");
                    fill(filler, free(inside) - (THRESHOLD / 2 - 4 * MB));
                    assertThat(free(inside)).isLessThan(THRESHOLD / 2);
                    String reply = smtp.data(message("during-data"));
                    assertThat(reply).startsWith("452").contains("4.3.1");
                    refused.add("during-data");
                }

                // Below the threshold: every new mail is refused at MAIL FROM, over several connections.
                Thread.sleep(1200);
                for (int i = 0; i < 5; i++) {
                    String subject = "full-" + i;
                    try (SmtpClient smtp = new SmtpClient(server.smtpPort())) {
                        assertThat(smtp.command("EHLO disk.example")).startsWith("250");
                        String reply = smtp.command("MAIL FROM:<sender@example.org>");
                        assertThat(reply).as("MAIL FROM below the threshold").startsWith("452 4.3.1 Insufficient system storage");
                        assertThat(smtp.command("RCPT TO:<" + subject + "@inbound.localhost>")).startsWith("5");
                        assertThat(smtp.data(message(subject))).startsWith("5");
                    }
                    refused.add(subject);
                }
                assertThat(server.isAlive()).isTrue();
                HttpResponse<String> health = http(server, "/healthcheck/checks/mailhook-disk-space");
                JsonNode check = JSON.readTree(health.body());
                assertThat(health.statusCode()).isEqualTo(503);
                assertThat(check.path("status").asText()).isEqualTo("unhealthy");
                assertThat(check.path("cause").asText()).contains("bytes free on " + data).contains("smtp.minFreeBytes=" + THRESHOLD);
                String metrics = http(server, "/metrics").body();
                assertThat(metric(metrics, "mailhook_disk_min_free_bytes")).isEqualTo(THRESHOLD);
                assertThat(metric(metrics, "mailhook_disk_free_bytes")).isPositive().isLessThan(THRESHOLD / 2);
                assertThat(metric(metrics, "mailhook_smtp_insufficient_storage_total")).isEqualTo(6);

                // Space returns: the guard lifts by itself within its re-check second.
                Files.delete(filler);
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).until(() -> {
                    try (SmtpClient smtp = new SmtpClient(server.smtpPort())) {
                        smtp.command("EHLO disk.example");
                        return smtp.command("MAIL FROM:<probe@example.org>").startsWith("250");
                    }
                });
                for (int i = 0; i < 5; i++) {
                    String subject = "after-" + i;
                    assertThat(send(server, subject)).startsWith("250");
                    accepted.add(subject);
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> subjects(receiver).keySet().containsAll(accepted));
                assertThat(http(server, "/healthcheck/checks/mailhook-disk-space").statusCode()).isEqualTo(200);
                // Let any late repeat arrive before counting.
                Thread.sleep(3000);
                Map<String, List<RecordingReceiver.Delivery>> bySubject = subjects(receiver);
                assertThat(bySubject.keySet()).containsExactlyInAnyOrderElementsOf(accepted);
                assertThat(bySubject.values()).allSatisfy(deliveries -> assertThat(deliveries).hasSize(1));
                assertThat(receiver.deliveries()).allMatch(RecordingReceiver.Delivery::signatureValid);
                assertThat(server.isAlive()).isTrue();

                String log = server.output();
                assertThat(log.lines().filter(line -> line.contains("free-space guard engaged"))).hasSize(1)
                    .allMatch(line -> line.contains("WARN"));
                assertThat(log.lines().filter(line -> line.contains("free-space guard lifted"))).hasSize(1)
                    .allMatch(line -> line.contains("INFO"));
                // James' HealthCheckRoutes logs each unhealthy answer as an ERROR; nothing else may fail.
                assertThat(server.errors(20).lines().filter(line -> line.matches("^\\d\\d:.*"))
                    .filter(line -> !line.contains("HealthCheck failed for mailhook-disk-space"))).isEmpty();
                System.out.printf("FREESPACE %d accepted and delivered once, %d refused (452)%n", accepted.size(), refused.size());
            }
        }
    }

    /**
     * The experiment without the guard ({@code smtp.minFreeBytes=0}): the file system is filled to
     * about 2 MB free and mail keeps coming, one SMTP try each, so writes fail both before the 250 (the
     * spool) and after it (archive, webhook queue, delivered records). Whatever got a 250 must reach the
     * endpoint exactly once after space returns; the rest must have been refused with a 4xx.
     */
    @Test
    void withTheGuardOffAFullDiskStillLosesNoMailThatGot250(@TempDir Path dir) throws Exception {
        requireMountNamespaces();
        Path data = dir.resolve("data");
        Map<String, String> env = smallServerEnv("30*2s");
        env.put("MAILHOOK_MIN_FREE_BYTES", "0");
        try (RecordingReceiver receiver = new RecordingReceiver(SECRET);
             ServerProcess server = onSmallFileSystem(ServerProcess.mailhook(data, receiver.url(), SECRET, env))) {
            server.start();
            Path inside = Path.of("/proc/" + server.pid() + "/root" + data);
            Path filler = inside.resolve("filler");
            fill(filler, free(inside) - 2 * MB);
            List<String> accepted = new ArrayList<>();
            Map<String, Integer> refusals = new java.util.TreeMap<>();
            String text = "x".repeat(60) + "\r\n";
            for (int i = 0; i < 150; i++) {
                String subject = "full-disk-" + i;
                String reply;
                try {
                    reply = SmtpClient.send(server.smtpPort(), "sender@example.org", subject + "@inbound.localhost",
                        message(subject).replace("\r\n\r\n", "\r\n\r\n" + text.repeat(200)));
                } catch (IOException e) {
                    reply = "connection: " + e.getMessage();
                }
                if (reply.startsWith("250")) {
                    accepted.add(subject);
                } else {
                    assertThat(reply).as("a refusal while the disk is full").startsWith("4");
                    refusals.merge(reply.substring(0, 3), 1, Integer::sum);
                }
            }
            System.out.printf("FULLDISK guard off: %d accepted, refused %s, %d bytes free%n", accepted.size(), refusals, free(inside));
            assertThat(refusals).as("the disk did fill up").isNotEmpty();
            assertThat(server.isAlive()).isTrue();

            Files.delete(filler);
            try {
                await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> subjects(receiver).keySet().containsAll(accepted));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                List<String> missing = new ArrayList<>(accepted);
                missing.removeAll(subjects(receiver).keySet());
                throw new AssertionError("accepted with 250 but never delivered: " + missing + "\n" + server.errors(200), e);
            }
            Thread.sleep(5000);
            Map<String, List<RecordingReceiver.Delivery>> bySubject = subjects(receiver);
            assertThat(bySubject.keySet()).containsExactlyInAnyOrderElementsOf(accepted);
            assertThat(bySubject.values()).allSatisfy(deliveries -> assertThat(deliveries).hasSize(1));
            assertThat(server.isAlive()).isTrue();
            assertThat(send(server, "after-space-returns")).startsWith("250");
        }
    }

    private static Map<String, String> smallServerEnv(String webhookDelays) {
        Map<String, String> env = new HashMap<>();
        env.put("MAILHOOK_MAX_MESSAGE_KB", Integer.toString(MAX_MESSAGE_KB));
        env.put("MAILHOOK_DNS_TIMEOUT_MILLIS", "200");
        env.put("MAILHOOK_WEBHOOK_DELAYS", webhookDelays);
        env.put("MAILHOOK_JAVA_OPTS", "-Xms64m -Xmx384m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.io.tmpdir=/tmp");
        return env;
    }

    /** The server in a mount namespace of its own, a small tmpfs mounted on its data directory. */
    private static ServerProcess onSmallFileSystem(ServerProcess server) {
        return server.wrappedIn(List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
            "mount -t tmpfs -o size=" + TMPFS_MB + "m mailhook-small-fs \"$MAILHOOK_DATA_DIR\" && exec \"$@\"", "sh"));
    }

    private static void requireMountNamespaces() throws Exception {
        String missing = null;
        Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
        String uid = new String(id.getInputStream().readAllBytes()).trim();
        id.waitFor();
        if (!uid.equals("0")) {
            missing = "needs root to mount a tmpfs (uid " + uid + ")";
        } else {
            Process probe = new ProcessBuilder("unshare", "-m", "true").redirectErrorStream(true).start();
            String out = new String(probe.getInputStream().readAllBytes());
            if (probe.waitFor() != 0) {
                missing = "unshare -m does not work here: " + out.trim();
            }
        }
        if (missing != null) {
            if (Boolean.getBoolean("mailhook.services.required")) {
                Assertions.fail(missing);
            }
            Assumptions.abort(missing);
        }
    }

    private static long free(Path path) {
        return new File(path.toString()).getUsableSpace();
    }

    /** Writes {@code bytes} real bytes (a sparse file would take no room on tmpfs). */
    private static void fill(Path file, long bytes) throws IOException {
        byte[] chunk = new byte[1024 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'x');
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = bytes; left > 0; left -= chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
        }
    }

    private static String message(String subject) {
        return "Subject: " + subject + "\r\nMessage-ID: <" + subject + "@example.org>\r\n\r\nmail " + subject + "\r\n";
    }

    private static String send(ServerProcess server, String subject) throws IOException {
        return SmtpClient.send(server.smtpPort(), "sender@example.org", subject + "@inbound.localhost", message(subject));
    }

    private static Map<String, List<RecordingReceiver.Delivery>> subjects(RecordingReceiver receiver) {
        return receiver.deliveries().stream().collect(Collectors.groupingBy(FreeSpaceGuardIT::subjectOf));
    }

    private static String subjectOf(RecordingReceiver.Delivery delivery) {
        try {
            return JSON.readTree(delivery.body()).path("subject").asText();
        } catch (Exception e) {
            return "";
        }
    }

    /** The value of one Prometheus sample (James writes gauges like 6.9206016E7). */
    private static long metric(String metrics, String name) {
        return metrics.lines().filter(line -> line.startsWith(name + " "))
            .map(line -> (long) Double.parseDouble(line.substring(name.length() + 1).trim()))
            .findFirst().orElseThrow(() -> new AssertionError(name + " not in /metrics"));
    }

    private static HttpResponse<String> http(ServerProcess server, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.webadminPort() + path))
            .timeout(Duration.ofSeconds(30)).GET().build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
