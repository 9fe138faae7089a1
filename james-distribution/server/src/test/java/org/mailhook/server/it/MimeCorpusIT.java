package org.mailhook.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.testing.Corpus;
import org.mailhook.testing.RecordingReceiver;
import org.mailhook.testing.SmtpClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A 250 is a promise, for malformed mail too: every mail of the external MIME corpus (387 files from
 * nine parsers' test suites, many deliberately broken) goes over SMTP to the assembled server, with
 * line ends made CRLF as a relaying MTA sends them, and each reaches the endpoint exactly once. Nothing
 * may be left in James' error repository.
 */
class MimeCorpusIT {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SESSIONS = 4;

    @Test
    void everyCorpusMailIsDeliveredExactlyOnce(@TempDir Path data) throws Exception {
        List<Path> mails = Corpus.mimeMails();
        assertThat(mails).hasSizeGreaterThan(380);
        Map<String, Path> byRecipient = new TreeMap<>();
        for (int i = 0; i < mails.size(); i++) {
            byRecipient.put("corpus-" + i + "@inbound.localhost", mails.get(i));
        }
        try (RecordingReceiver receiver = new RecordingReceiver(SECRET)) {
            Map<String, String> env = Map.of("MAILHOOK_DNS_TIMEOUT_MILLIS", "200", "MAILHOOK_WEBHOOK_DELAYS", "10*2s");
            try (ServerProcess server = ServerProcess.mailhook(data, receiver.url(), SECRET, env).start()) {
                Map<String, String> refused = send(server.smtpPort(), byRecipient);
                assertThat(refused).as("SMTP replies other than 250").isEmpty();

                long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
                Set<String> missing = byRecipient.keySet();
                while (!missing.isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(1000);
                    Set<String> arrived = recipients(receiver).keySet();
                    missing = byRecipient.keySet().stream().filter(rcpt -> !arrived.contains(rcpt)).collect(Collectors.toSet());
                }
                assertThat(missing.stream().map(byRecipient::get).map(Path::toString).sorted().toList())
                    .as("mails accepted with 250 that never reached the endpoint; error repository: %s; server errors:%n%s",
                        errorRepository(data), server.errors(5))
                    .isEmpty();
                // Room for a late duplicate to show up before counting.
                Thread.sleep(3000);

                Map<String, List<RecordingReceiver.Delivery>> delivered = recipients(receiver);
                Map<String, Integer> twice = new TreeMap<>();
                delivered.forEach((rcpt, deliveries) -> {
                    if (deliveries.size() != 1) {
                        twice.put(byRecipient.get(rcpt) + " " + rcpt, deliveries.size());
                    }
                });
                assertThat(twice).as("mails delivered more than once").isEmpty();
                assertThat(receiver.deliveries()).allMatch(RecordingReceiver.Delivery::signatureValid);
                for (Map.Entry<String, List<RecordingReceiver.Delivery>> entry : delivered.entrySet()) {
                    JsonNode json = JSON.readTree(entry.getValue().get(0).body());
                    assertThat(json.path("raw").path("size").asLong()).as("raw MIME of " + byRecipient.get(entry.getKey()))
                        .isPositive();
                    assertThat(json.has("auth")).as("auth verdicts of " + byRecipient.get(entry.getKey())).isTrue();
                }
                assertThat(errorRepository(data)).as("mails parked in James' error repository").isEmpty();
            }
        }
    }

    /** Sends each mail once, to its own recipient; returns the mails that did not get 250, with the reply. */
    private static Map<String, String> send(int port, Map<String, Path> byRecipient) throws Exception {
        List<Map.Entry<String, Path>> all = new ArrayList<>(byRecipient.entrySet());
        Map<String, String> refused = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(SESSIONS);
        try {
            List<Future<?>> sessions = new ArrayList<>();
            for (int s = 0; s < SESSIONS; s++) {
                int first = s;
                sessions.add(pool.submit(() -> {
                    try (SmtpClient smtp = new SmtpClient(port)) {
                        smtp.command("EHLO relay.example");
                        for (int i = first; i < all.size(); i += SESSIONS) {
                            String rcpt = all.get(i).getKey();
                            smtp.command("MAIL FROM:<corpus@example.org>");
                            String rcptReply = smtp.command("RCPT TO:<" + rcpt + ">");
                            String reply = rcptReply.startsWith("250") ? smtp.data(Files.readAllBytes(all.get(i).getValue())) : rcptReply;
                            if (!reply.startsWith("250")) {
                                refused.put(all.get(i).getValue().toString(), reply);
                                smtp.command("RSET");
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> session : sessions) {
                session.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return refused;
    }

    private static Map<String, List<RecordingReceiver.Delivery>> recipients(RecordingReceiver receiver) {
        return receiver.deliveries().stream().collect(Collectors.groupingBy(delivery -> {
            try {
                return JSON.readTree(delivery.body()).path("envelope").path("rcptTo").path(0).asText();
            } catch (Exception e) {
                return "";
            }
        }));
    }

    private static Set<String> errorRepository(Path data) throws Exception {
        Path error = data.resolve("var/mail/error");
        if (!Files.isDirectory(error)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.list(error)) {
            return files.map(path -> path.getFileName().toString()).collect(Collectors.toSet());
        }
    }
}
