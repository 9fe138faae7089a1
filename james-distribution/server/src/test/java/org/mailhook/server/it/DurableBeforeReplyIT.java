package org.mailhook.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.testing.SmtpClient;

/**
 * A 250 is sent only after the mail is on stable storage, not merely in the operating system's cache:
 * a power cut loses what was not synced. The order of one SMTP transaction's file writes, syncs and
 * reply is read from the kernel with strace attached to the assembled server: between the DATA bytes
 * arriving and {@code 250 2.6.0} leaving, the spool's content file (James' ActiveMQ queue keeps a mail's
 * content in a blob-transfer file and a reference in the KahaDB journal) is fsynced, then its directory,
 * then the journal after its last write.
 */
class DurableBeforeReplyIT {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final Pattern CALL = Pattern.compile("^\\d+\\s+\\S+ (\\w+)\\((\\d+)<([^>]*)>(.*)$");

    @Test
    void theMailIsSyncedToDiskBeforeTheServerAnswers250(@TempDir Path dir) throws Exception {
        String strace = strace();
        try (ServerProcess server = ServerProcess.mailhook(dir.resolve("data"), "http://127.0.0.1:9/webhook", SECRET, Map.of()).start()) {
            Path trace = dir.resolve("trace.txt");
            Process tracer = attach(strace, server.pid(), trace, 80, "openat,read,write,pwrite64,writev,fsync,fdatasync");
            String token = sendOneMail(server);
            Thread.sleep(1000);
            detach(tracer);

            List<String> lines = Files.readAllLines(trace, StandardCharsets.ISO_8859_1);
            List<String> window = transaction(lines, token, server.smtpPort());

            String content = window.stream().map(line -> call(line, "openat"))
                .flatMap(Optional::stream).filter(path -> path.contains("/blob-transfer/")).findFirst()
                .orElseThrow(() -> new AssertionError("no spool content file written before the 250:\n" + String.join("\n", window)));
            int contentSynced = indexOf(window, 0, line -> isSync(line, content::equals));
            assertThat(contentSynced).as("fsync of %s before the 250", content).isNotNegative();
            String folder = content.substring(0, content.lastIndexOf('/'));
            assertThat(indexOf(window, contentSynced, line -> isSync(line, folder::equals)))
                .as("fsync of the directory %s before the 250", folder).isNotNegative();
            int journalWritten = lastIndexOf(window, line -> isWrite(line) && fdPath(line).filter(DurableBeforeReplyIT::isJournal).isPresent());
            assertThat(journalWritten).as("the queue entry written to the KahaDB journal before the 250").isNotNegative();
            assertThat(indexOf(window, journalWritten, line -> isSync(line, DurableBeforeReplyIT::isJournal)))
                .as("fsync of the journal after its last write, before the 250").isNotNegative();
        }
    }

    /**
     * The rabbitmq flavour: the content goes to the file blob store (temporary file fsynced, renamed, its
     * directory fsynced) and the queue entry to RabbitMQ, which confirms a persistent message on a durable
     * queue only once it is on disk; James publishes with confirms (its default) and answers only after
     * the confirm. Both processes are traced with wall-clock times: the broker must read the publish that
     * names the new blob and fsync its store before the server's 250 leaves.
     */
    @Test
    void inTheRabbitMqFlavourTheBlobAndTheBrokersCopyAreSyncedBeforeThe250(@TempDir Path dir) throws Exception {
        String strace = strace();
        try (RabbitMqBroker broker = RabbitMqBroker.start(dir.resolve("broker"));
             ServerProcess server = ServerProcess.mailhook(dir.resolve("data"), "http://127.0.0.1:9/webhook", SECRET, broker.serverEnv()).start()) {
            Path serverTrace = dir.resolve("server-trace.txt");
            Path brokerTrace = dir.resolve("broker-trace.txt");
            Process serverTracer = attach(strace, server.pid(), serverTrace, 200,
                "openat,read,write,writev,fsync,fdatasync,rename,renameat,renameat2");
            Process brokerTracer = attach(strace, broker.vmPid(), brokerTrace, 4096,
                "read,readv,recvfrom,recvmsg,write,writev,pwrite64,pwritev,fsync,fdatasync");
            String token = sendOneMail(server);
            Thread.sleep(1000);
            detach(serverTracer);
            detach(brokerTracer);

            List<String> window = transaction(Files.readAllLines(serverTrace, StandardCharsets.ISO_8859_1), token, server.smtpPort());
            double repliedAt = time(window.get(window.size() - 1));
            int renamed = indexOf(window, 0, line -> line.matches(".* rename(at2?)?\\(.*\"[^\"]*/\\.tmp-[^\"]+\".*"));
            assertThat(renamed).as("a blob renamed into place before the 250:%n%s", String.join("\n", window)).isNotNegative();
            Matcher names = Pattern.compile("\"([^\"]*/\\.tmp-[^\"]+)\".*\"([^\"]+)\"").matcher(window.get(renamed));
            assertThat(names.find()).isTrue();
            String temporary = names.group(1);
            String blob = names.group(2);
            // The file name is the blob id, URL-encoded; the queue entry names the id itself.
            String blobId = URLDecoder.decode(blob.substring(blob.lastIndexOf('/') + 1), StandardCharsets.UTF_8);
            assertThat(indexOf(window.subList(0, renamed), 0, line -> isSync(line, temporary::equals)))
                .as("fsync of the blob %s before its rename", temporary).isNotNegative();
            String folder = blob.substring(0, blob.lastIndexOf('/'));
            assertThat(indexOf(window, renamed, line -> isSync(line, folder::equals)))
                .as("fsync of the blob directory %s after the rename, before the 250", folder).isNotNegative();

            List<String> brokerLines = Files.readAllLines(brokerTrace, StandardCharsets.ISO_8859_1);
            int published = indexOf(brokerLines, 0, line -> line.contains(blobId) && !isWrite(line));
            assertThat(published).as("the broker reading the publish that names blob %s", blobId).isNotNegative();
            int stored = indexOf(brokerLines, published, line -> isSync(line, path -> path.contains("/mnesia/")));
            assertThat(stored).as("the broker's fsync of its store after the publish").isNotNegative();
            System.out.printf("DURABLE rabbitmq: publish read %.6f, broker fsync %.6f (%s), 250 sent %.6f%n", time(brokerLines.get(published)),
                time(brokerLines.get(stored)), fdPath(brokerLines.get(stored)).orElse("?"), repliedAt);
            assertThat(time(brokerLines.get(stored))).as("the broker's fsync (%s) before the 250", brokerLines.get(stored))
                .isLessThan(repliedAt);
        }
    }

    /** Attaches strace to every thread of {@code pid}, with wall-clock times so traces of two processes can be ordered. */
    private static Process attach(String strace, long pid, Path trace, int stringSize, String calls) throws Exception {
        Path log = trace.resolveSibling(trace.getFileName() + ".log");
        Process tracer = new ProcessBuilder(strace, "-f", "-ttt", "-yy", "-s", Integer.toString(stringSize),
            "-e", "trace=" + calls, "-p", Long.toString(pid), "-o", trace.toString())
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        awaitAttached(log);
        return tracer;
    }

    private static void detach(Process tracer) throws InterruptedException {
        tracer.destroy();
        tracer.waitFor(30, TimeUnit.SECONDS);
    }

    /** One mail over SMTP, asserting its 250; returns the token its subject and Message-ID carry. */
    private static String sendOneMail(ServerProcess server) throws Exception {
        String token = "durable-probe-" + System.nanoTime();
        try (SmtpClient smtp = new SmtpClient(server.smtpPort())) {
            smtp.command("EHLO client.example");
            smtp.command("MAIL FROM:<a@client.example>");
            smtp.command("RCPT TO:<inbox@inbound.localhost>");
            assertThat(smtp.data(("Subject: " + token + "\r\nMessage-ID: <" + token + "@test>\r\n\r\nbody\r\n")
                .getBytes(StandardCharsets.US_ASCII))).startsWith("250");
        }
        return token;
    }

    /** The trace lines from the DATA bytes arriving to the {@code 250} leaving, both included. */
    private static List<String> transaction(List<String> lines, String token, int smtpPort) {
        int received = indexOf(lines, 0, line -> line.contains("read") && line.contains(token));
        assertThat(received).as("the DATA bytes in the trace").isNotNegative();
        int replied = indexOf(lines, received, line -> line.contains(" write(") && line.contains(":" + smtpPort + "->")
            && line.contains("\"250 "));
        assertThat(replied).as("the 250 after DATA in the trace").isGreaterThan(received);
        return lines.subList(received, replied + 1);
    }

    /** The wall-clock time (seconds since the epoch) strace -ttt put on a line. */
    private static double time(String line) {
        return Double.parseDouble(line.trim().split("\\s+")[1]);
    }

    /** strace attaches to the JVM's threads one by one ("Process N attached" each): wait until it is done. */
    private static void awaitAttached(Path straceOutput) throws Exception {
        long previous = -1;
        for (int i = 0; i < 60; i++) {
            Thread.sleep(500);
            long attached = Files.exists(straceOutput)
                ? Files.readAllLines(straceOutput, StandardCharsets.ISO_8859_1).stream().filter(line -> line.contains("attached")).count() : 0;
            if (attached > 0 && attached == previous) {
                return;
            }
            previous = attached;
        }
    }

    private static boolean isJournal(String path) {
        return path.matches(".*/KahaDB/db-\\d+\\.log");
    }

    private static boolean isWrite(String line) {
        return line.contains(" write(") || line.contains(" pwrite64(") || line.contains(" writev(");
    }

    private static boolean isSync(String line, java.util.function.Predicate<String> path) {
        return (line.contains(" fsync(") || line.contains(" fdatasync(")) && fdPath(line).filter(path).isPresent()
            && !line.contains("= -1");
    }

    private static Optional<String> fdPath(String line) {
        Matcher matcher = CALL.matcher(line);
        return matcher.matches() ? Optional.of(matcher.group(3)) : Optional.empty();
    }

    /** The path an openat created (its file name argument; the result may be on a later "resumed" line). */
    private static Optional<String> call(String line, String name) {
        Matcher created = Pattern.compile(" " + name + "\\([^,]*, \"([^\"]+)\", [^)]*O_CREAT").matcher(line);
        return created.find() ? Optional.of(created.group(1)) : Optional.empty();
    }

    private static int indexOf(List<String> lines, int from, java.util.function.Predicate<String> test) {
        for (int i = Math.max(0, from); i < lines.size(); i++) {
            if (test.test(lines.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(List<String> lines, java.util.function.Predicate<String> test) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (test.test(lines.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static String strace() {
        for (String folder : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(folder, "strace"))) {
                return Path.of(folder, "strace").toString();
            }
        }
        String missing = "strace is not installed: run .ci/setup/strace.sh";
        if (Boolean.getBoolean("mailhook.services.required")) {
            throw new IllegalStateException(missing);
        }
        Assumptions.abort(missing);
        return null;
    }
}
