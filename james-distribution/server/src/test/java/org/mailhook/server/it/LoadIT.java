package org.mailhook.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.doctor.KnotDns;
import org.mailhook.testing.Corpus;
import org.mailhook.testing.DnsJsonZones;
import org.mailhook.testing.MailauthSigner;
import org.mailhook.testing.RecordingReceiver;
import org.mailhook.testing.SmtpClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * The project's load test: what a user feels, as ratios against James' own no-op pipeline in the same
 * run. N mails whose bodies and MIME structure are taken from the MIME corpus (attachments, nested
 * multiparts, malformed ones), DKIM-signed by mailauth with a 2048-bit key published, with SPF and DMARC,
 * by a real authoritative DNS server (knotd), go over C parallel SMTP sessions to the assembled server;
 * a receiver in this process (not the server's) verifies every Standard Webhooks signature. The same
 * mails go to the same distribution with its {@code mailhook} processor replaced by {@code Null}.
 *
 * <p>Printed: SMTP ingest, end-to-end throughput (first MAIL FROM to last webhook), accept→ack
 * p50/p90/p99/max, server CPU per mail and peak RSS, and the ratios. Asserted: every mail accounted for
 * (accepted = acknowledged, one webhook-id each, no bad signature, every verdict pass) — never speed.
 * CI runs a short version; {@code docs/performance.md} gives the command for the full one
 * ({@code -Dmailhook.load.mails=1000}).
 */
class LoadIT {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAILS = Integer.getInteger("mailhook.load.mails", 200);
    private static final int SESSIONS = Integer.getInteger("mailhook.load.sessions", 8);
    private static final String JAVA_OPTS = System.getProperty("mailhook.load.javaOpts", "-Xms256m -Xmx1g");
    private static final int WARM_UP = Integer.getInteger("mailhook.load.warmUp", 100);
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    record Run(String name, int mails, Duration ingest, Duration endToEnd, List<Duration> latencies, double cpuSeconds, double systemSeconds,
               long peakRssKb) {
        double ingestRate() {
            return mails / seconds(ingest);
        }

        double endToEndRate() {
            return mails / seconds(endToEnd);
        }

        double cpuMsPerMail() {
            return cpuSeconds * 1000 / mails;
        }

        Duration percentile(double p) {
            if (latencies.isEmpty()) {
                return Duration.ZERO;
            }
            List<Duration> sorted = latencies.stream().sorted().toList();
            return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
        }
    }

    @Test
    void mailhookAgainstTheNoOpPipeline(@TempDir Path dir) throws Exception {
        MailauthSigner.Key key = MailauthSigner.Key.rsa2048("load.example", "s2048");
        List<KnotDns.Zone> zones = List.of(new KnotDns.Zone("load.example", """
            @ TXT "v=spf1 ip4:127.0.0.1 -all"
            _dmarc TXT "v=DMARC1; p=reject"
            s2048._domainkey TXT %s
            """.formatted(DnsJsonZones.strings(TextNode.valueOf(key.dnsRecord()))), false));
        List<byte[]> mails = MailauthSigner.sign(unsignedMails(MAILS), List.of(key));

        try (KnotDns dns = KnotDns.start(Files.createDirectories(dir.resolve("knot")), zones);
             RecordingReceiver receiver = new RecordingReceiver(SECRET)) {
            Map<String, String> env = Map.of("MAILHOOK_DNS_SERVERS", dns.address(), "MAILHOOK_JAVA_OPTS", JAVA_OPTS,
                "MAILHOOK_LOG_LEVEL", "WARN", "MAILHOOK_WEBHOOK_ALLOW_LOOPBACK", "true");
            Run noop;
            try (ServerProcess server = ServerProcess.mailhook(noOpHome(dir.resolve("noop-home")), dir.resolve("noop"), receiver.url(),
                SECRET, env).start()) {
                noop = run("no-op", "load-", server, mails, receiver, false, 0);
            }
            assertThat(receiver.deliveries()).as("the no-op pipeline posts nothing").isEmpty();
            Run mailhook;
            Run paced;
            String serverErrors;
            try (ServerProcess server = ServerProcess.mailhook(dir.resolve("mailhook"), receiver.url(), SECRET, env).start()) {
                mailhook = run("mailhook", "load-", server, mails, receiver, true, 0);
                // Open loop at half the no-op pipeline's ingest: the latency a user sees when the server is not saturated.
                paced = run("mailhook, paced", "paced-", server, mails, receiver, true, noop.ingestRate() / 2);
                compareArchivedBytes(server, receiver, mails, dir);
                serverErrors = server.errors(3);
            }
            // The figures first: a run that fails below was still measured.
            report(noop, mailhook, paced);
            assertThat(serverErrors).as("server errors").isEmpty();
            accountFor(receiver.deliveries(), "load-", mails.size());
            accountFor(receiver.deliveries(), "paced-", mails.size());
        }
    }

    /**
     * Sends every mail, waits until each is processed, and measures. With {@code rate} > 0 mail {@code i}
     * leaves at {@code i / rate} seconds (open loop: a late session does not slow the schedule down).
     */
    private static Run run(String name, String prefix, ServerProcess server, List<byte[]> mails, RecordingReceiver receiver,
                           boolean webhooks, double rate) throws Exception {
        if (rate == 0) {
            warmUp(server, mails, receiver, webhooks);
        }
        double cpuBefore = cpuSeconds(server.pid());
        double systemBefore = systemSeconds(server.pid());
        int deliveredBefore = receiver.deliveries().size();
        long start = System.nanoTime();
        AtomicInteger sent = new AtomicInteger();
        Map<Integer, String> refused = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(SESSIONS);
        List<Future<?>> sessions = new ArrayList<>();
        for (int s = 0; s < SESSIONS; s++) {
            int first = s;
            sessions.add(pool.submit(() -> {
                try (SmtpClient smtp = new SmtpClient(server.smtpPort())) {
                    smtp.command("EHLO mta.load.example");
                    for (int i = first; i < mails.size(); i += SESSIONS) {
                        if (rate > 0) {
                            long wait = start + (long) (i * 1e9 / rate) - System.nanoTime();
                            if (wait > 0) {
                                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                            }
                        }
                        smtp.command("MAIL FROM:<sender@load.example>");
                        smtp.command("RCPT TO:<" + prefix + i + "@inbound.localhost>");
                        String reply = smtp.data(mails.get(i));
                        if (!reply.startsWith("250")) {
                            refused.put(i, reply);
                        }
                        sent.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        while (!sessions.stream().allMatch(Future::isDone)) {
            progress(name, sent.get(), mails.size(), receiver.deliveries().size() - deliveredBefore, start);
            Thread.sleep(1000);
        }
        for (Future<?> session : sessions) {
            session.get();
        }
        pool.shutdown();
        Duration ingest = Duration.ofNanos(System.nanoTime() - start);
        assertThat(refused).as("mails refused by " + name).isEmpty();

        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < deadline) {
            int delivered = receiver.deliveries().size() - deliveredBefore;
            if (webhooks ? delivered >= mails.size() : spoolSize(server) == 0) {
                break;
            }
            progress(name, sent.get(), mails.size(), delivered, start);
            Thread.sleep(webhooks ? 200 : 100);
        }
        Duration endToEnd = Duration.ofNanos(System.nanoTime() - start);
        double cpu = cpuSeconds(server.pid()) - cpuBefore;
        double system = systemSeconds(server.pid()) - systemBefore;
        List<Duration> latencies = new ArrayList<>();
        for (RecordingReceiver.Delivery delivery : receiver.deliveries().subList(deliveredBefore, receiver.deliveries().size())) {
            Instant accepted = Instant.parse(JSON.readTree(delivery.body()).path("receivedAt").asText());
            latencies.add(Duration.between(accepted, delivery.receivedAt()));
        }
        System.out.println();
        return new Run(name, mails.size(), ingest, endToEnd, latencies, cpu, system, peakRssKb(server.pid()));
    }

    /**
     * Mails first through the same pipeline, until they are processed, so that class loading and JIT
     * compilation (which take more CPU for the larger pipeline) do not count: what is measured is a
     * running MX. They go to other recipients and are left out of the accounting.
     */
    private static void warmUp(ServerProcess server, List<byte[]> mails, RecordingReceiver receiver, boolean webhooks) throws Exception {
        int deliveredBefore = receiver.deliveries().size();
        try (SmtpClient smtp = new SmtpClient(server.smtpPort())) {
            smtp.command("EHLO mta.load.example");
            for (int i = 0; i < WARM_UP; i++) {
                smtp.command("MAIL FROM:<sender@load.example>");
                smtp.command("RCPT TO:<warm-" + i + "@inbound.localhost>");
                smtp.data(mails.get(i % mails.size()));
            }
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline
            && (webhooks ? receiver.deliveries().size() - deliveredBefore < WARM_UP : spoolSize(server) != 0)) {
            Thread.sleep(200);
        }
        Thread.sleep(1000);
    }

    private static void progress(String name, int sent, int total, int delivered, long start) {
        System.out.printf(Locale.ROOT, "\r[%s] %5.1f s  sent %d/%d  webhooks %d", name, (System.nanoTime() - start) / 1e9, sent, total,
            delivered);
        System.out.flush();
    }

    private static void report(Run noop, Run mailhook, Run paced) {
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
            "%n%d mails, %d SMTP sessions, DKIM-signed (RSA-2048), knotd; JVM %s%n"
                + "| pipeline | SMTP ingest | end to end | accept→ack p50 / p90 / p99 / max | server CPU per mail (of it kernel) | peak RSS |%n"
                + "|---|---|---|---|---|---|%n", noop.mails(), SESSIONS, JAVA_OPTS));
        for (Run run : List.of(noop, mailhook, paced)) {
            table.append(String.format(Locale.ROOT, "| %s | %.0f mails/s | %s | %s | %.1f ms (%.1f ms) | %d MB |%n", run.name(), run.ingestRate(),
                run.latencies().isEmpty() ? "—" : String.format(Locale.ROOT, "%.0f mails/s", run.endToEndRate()),
                run.latencies().isEmpty() ? "—" : String.format(Locale.ROOT, "%d / %d / %d / %d ms", run.percentile(0.5).toMillis(),
                    run.percentile(0.9).toMillis(), run.percentile(0.99).toMillis(), run.percentile(1.0).toMillis()),
                run.cpuMsPerMail(), run.systemSeconds() * 1000 / run.mails(), run.peakRssKb() / 1024));
        }
        table.append(String.format(Locale.ROOT, "ratios: end to end / no-op ingest = %.2f×; SMTP ingest = %.2f×; CPU per mail = %.1f×%n",
            mailhook.endToEndRate() / noop.ingestRate(), mailhook.ingestRate() / noop.ingestRate(),
            mailhook.cpuMsPerMail() / noop.cpuMsPerMail()));
        table.append(String.format(Locale.ROOT, "paced at half the no-op ingest (%.0f mails/s): accept→ack p99 %d ms%n",
            noop.ingestRate() / 2, paced.percentile(0.99).toMillis()));
        System.out.println(table);
    }

    /**
     * For a mail whose verdict is not pass, the raw MIME the server archived against what was sent
     * (after the server's own Received and Authentication-Results headers): a difference means the bytes
     * changed on the way, none that the verifier erred. Both are kept in target/load-not-pass/.
     */
    private static void compareArchivedBytes(ServerProcess server, RecordingReceiver receiver, List<byte[]> mails, Path tmp) throws Exception {
        Path dir = Files.createDirectories(Path.of("target/load-not-pass"));
        for (RecordingReceiver.Delivery delivery : receiver.deliveries()) {
            JsonNode json = JSON.readTree(delivery.body());
            String rcpt = json.path("envelope").path("rcptTo").path(0).asText();
            if (json.at("/auth/dkim/0/result").asText().equals("pass") || !rcpt.matches("(load|paced)-\\d+@.*")) {
                continue;
            }
            int index = Integer.parseInt(rcpt.replaceAll("\\D", ""));
            HttpResponse<byte[]> raw = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + server.webadminPort() + "/mailhook/messages/" + json.path("id").asText() + "/raw")).build(), HttpResponse.BodyHandlers.ofByteArray());
            String archived = new String(raw.body(), StandardCharsets.ISO_8859_1);
            String sent = new String(mails.get(index), StandardCharsets.ISO_8859_1);
            int signature = archived.indexOf("DKIM-Signature:");
            String fromSignature = signature < 0 ? archived : archived.substring(signature);
            Files.writeString(dir.resolve(rcpt + ".sent.eml"), sent, StandardCharsets.ISO_8859_1);
            Files.writeString(dir.resolve(rcpt + ".archived.eml"), archived, StandardCharsets.ISO_8859_1);
            System.out.printf("not pass: %s: archived bytes from DKIM-Signature on %s what was sent (%d vs %d bytes)%n", rcpt,
                fromSignature.equals(sent) ? "EQUAL" : "DIFFER from", fromSignature.length(), sent.length());
        }
    }

    /** Every accepted mail of the run (recipients starting with {@code prefix}) reached the receiver once, signed, with pass verdicts. */
    private static void accountFor(List<RecordingReceiver.Delivery> deliveries, String prefix, int mails) throws IOException {
        assertThat(deliveries).allMatch(RecordingReceiver.Delivery::signatureValid);
        Set<String> webhookIds = new HashSet<>();
        Set<String> recipients = new HashSet<>();
        Map<String, Integer> verdicts = new HashMap<>();
        for (RecordingReceiver.Delivery delivery : deliveries) {
            JsonNode json = JSON.readTree(delivery.body());
            if (!json.path("envelope").path("rcptTo").path(0).asText().startsWith(prefix)) {
                continue;
            }
            assertThat(webhookIds.add(delivery.webhookId())).as("webhook-id " + delivery.webhookId() + " delivered twice").isTrue();
            recipients.add(json.path("envelope").path("rcptTo").path(0).asText());
            String verdict = "spf=" + json.at("/auth/spf/result").asText() + " dkim=" + json.at("/auth/dkim/0/result").asText()
                + " dmarc=" + json.at("/auth/dmarc/result").asText();
            verdicts.merge(verdict, 1, Integer::sum);
            if (!verdict.equals("spf=pass dkim=pass dmarc=pass")) {
                System.out.println("not pass: " + json.path("envelope").path("rcptTo").path(0).asText() + " " + json.path("auth"));
            }
        }
        assertThat(recipients).hasSize(mails);
        assertThat(verdicts).as("verdicts").containsOnlyKeys("spf=pass dkim=pass dmarc=pass");
    }

    /**
     * Corpus mails made into mail from load.example: their MIME header fields and bodies as they are,
     * fresh From/To/Subject/Date/Message-ID, CRLF line ends (as a relaying MTA sends them, so that the
     * DKIM signature covers what goes over the wire). Files over 1 MB are left out.
     */
    static List<byte[]> unsignedMails(int count) throws IOException {
        List<byte[]> shapes = new ArrayList<>();
        for (Path file : Corpus.mimeMails()) {
            if (Files.size(file) <= 1 << 20) {
                shapes.add(Files.readAllBytes(file));
            }
        }
        List<byte[]> mails = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] shape = crlf(shapes.get(i % shapes.size()));
            int bodyStart = bodyStart(shape);
            StringBuilder header = new StringBuilder()
                .append("From: Load Sender <sender@load.example>\r\n")
                .append("To: load-").append(i).append("@inbound.localhost\r\n")
                .append("Subject: load ").append(i).append("\r\n")
                .append("Date: Mon, 07 Dec 2026 08:00:00 +0000\r\n")
                .append("Message-ID: <load-").append(i).append("@load.example>\r\n");
            for (String field : unfoldedFields(new String(shape, 0, bodyStart, StandardCharsets.ISO_8859_1))) {
                String lower = field.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-") || lower.startsWith("mime-version")) {
                    header.append(field).append("\r\n");
                }
            }
            header.append("\r\n");
            byte[] head = header.toString().getBytes(StandardCharsets.ISO_8859_1);
            byte[] mail = new byte[head.length + shape.length - bodyStart];
            System.arraycopy(head, 0, mail, 0, head.length);
            System.arraycopy(shape, bodyStart, mail, head.length, shape.length - bodyStart);
            mails.add(mail);
        }
        return mails;
    }

    private static List<String> unfoldedFields(String header) {
        List<String> fields = new ArrayList<>();
        for (String line : header.split("\r\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if ((line.startsWith(" ") || line.startsWith("\t")) && !fields.isEmpty()) {
                fields.set(fields.size() - 1, fields.get(fields.size() - 1) + "\r\n" + line);
            } else if (line.contains(":")) {
                fields.add(line);
            }
        }
        return fields;
    }

    private static byte[] crlf(byte[] in) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(in.length + in.length / 20);
        for (int i = 0; i < in.length; i++) {
            byte b = in[i];
            if (b == '\n' && (i == 0 || in[i - 1] != '\r')) {
                out.write('\r');
            } else if (b == '\r' && (i + 1 == in.length || in[i + 1] != '\n')) {
                out.write('\r');
                out.write('\n');
                continue;
            }
            out.write(b);
        }
        if (in.length == 0 || in[in.length - 1] != '\n') {
            out.writeBytes(new byte[] {'\r', '\n'});
        }
        return out.toByteArray();
    }

    private static int bodyStart(byte[] mail) {
        for (int i = 0; i + 3 < mail.length; i++) {
            if (mail[i] == '\r' && mail[i + 1] == '\n' && mail[i + 2] == '\r' && mail[i + 3] == '\n') {
                return i + 4;
            }
        }
        return mail.length;
    }

    /** The distribution with its {@code mailhook} processor replaced by {@code Null}: James' own cost. */
    private static Path noOpHome(Path home) throws IOException {
        Path shipped = ServerProcess.home();
        Files.createDirectories(home);
        try (Stream<Path> entries = Files.list(shipped)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (name.equals("conf") || name.equals("bin")) {
                    copyTree(entry, home.resolve(name));
                } else if (!name.equals("data")) {
                    Files.createSymbolicLink(home.resolve(name), entry);
                }
            }
        }
        Path container = home.resolve("conf/mailetcontainer.xml");
        String xml = Files.readString(container, StandardCharsets.UTF_8);
        String noop = xml.replaceAll("(?s)(<processor state=\"mailhook\"[^>]*>).*?(</processor>)",
            "$1<mailet match=\"All\" class=\"Null\"/>$2");
        assertThat(noop).as("mailhook processor replaced").isNotEqualTo(xml);
        Files.writeString(container, noop, StandardCharsets.UTF_8);
        return home;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static int spoolSize(ServerProcess server) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.webadminPort() + "/mailQueues/spool")).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode size = JSON.readTree(response.body()).path("size");
        if (!size.isNumber()) {
            throw new IllegalStateException("no spool size from WebAdmin: " + response.statusCode() + " " + response.body());
        }
        return size.asInt();
    }

    private static double cpuSeconds(long pid) throws IOException {
        String[] fields = stat(pid);
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / (double) CLOCK_TICKS_PER_SECOND;
    }

    private static double systemSeconds(long pid) throws IOException {
        return Long.parseLong(stat(pid)[12]) / (double) CLOCK_TICKS_PER_SECOND;
    }

    /** stat(5) from field 3 on: utime and stime (fields 14 and 15) are [11] and [12]. */
    private static String[] stat(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    private static long peakRssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }
}
