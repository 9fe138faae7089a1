package org.mailhook.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.testing.RecordingReceiver;
import org.mailhook.testing.SmtpClient;

/**
 * An endpoint that comes back gets its backlog in seconds, on the assembled server: mail at 4 per
 * second, the endpoint answers 503 for about 30 s, the schedule is {@code 5s, 1m, 4m, 10m} (the schedule
 * alone would try most of that mail again only 1 to 5 minutes later). The server is killed with
 * {@code kill -9} while the mail waits, and restarted. Every mail is delivered within 30 s of the
 * endpoint's recovery, none is lost, and each mail keeps its one webhook-id.
 */
class EndpointBreakerIT {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    /** Mails per second while the endpoint is down (the load run: -Dmailhook.outage.rate=5). */
    private static final double RATE = Double.parseDouble(System.getProperty("mailhook.outage.rate", "4"));
    /** How long the endpoint answers 503 (the load run: -Dmailhook.outage.seconds=3600). */
    private static final long OUTAGE_SECONDS = Long.getLong("mailhook.outage.seconds", 30);
    /** Every mail must be delivered this long after the endpoint is up again. */
    private static final long DRAIN_SECONDS = Long.getLong("mailhook.outage.drainSeconds", 30);
    private static final String DELAYS = System.getProperty("mailhook.outage.delays", "5s, 1m, 4m, 10m");

    private static Map<String, String> env() {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("MAILHOOK_WEBHOOK_DELAYS", DELAYS);
        // as in DeliveryGuaranteesIT: a resolver that never answers must not set the pace
        env.put("MAILHOOK_DNS_TIMEOUT_MILLIS", "200");
        // The breaker's log lines (probe failed, up again) are INFO.
        env.put("MAILHOOK_LOG_LEVEL", "INFO");
        return env;
    }

    /** The breaker's own log lines: when it probed, found the endpoint down or up. */
    private static void printBreakerLines(ServerProcess server) {
        try {
            server.output().lines().filter(line -> line.contains("probe failed") || line.contains("is up again")
                    || line.contains("from before the restart") || line.contains("breaker"))
                .limit(40).forEach(line -> System.out.println("BREAKER log: " + line));
        } catch (Exception e) {
            System.out.println("BREAKER log unreadable: " + e);
        }
    }

    /** Sends mail at {@link #RATE} per second until {@code until}, over one SMTP session. */
    private static void sendUntil(int port, Instant until, List<String> accepted) throws Exception {
        long periodNanos = (long) (1_000_000_000L / RATE);
        long next = System.nanoTime();
        try (SmtpClient smtp = new SmtpClient(port)) {
            smtp.command("EHLO load.example");
            while (Instant.now().isBefore(until)) {
                String subject = "outage-" + accepted.size();
                assertThat(smtp.command("MAIL FROM:<load@example.org>")).startsWith("250");
                assertThat(smtp.command("RCPT TO:<to-" + accepted.size() + "@inbound.localhost>")).startsWith("250");
                assertThat(smtp.data("Subject: " + subject + "\r\nMessage-ID: <" + subject + "@example.org>\r\n\r\nmail\r\n")).startsWith("250");
                accepted.add(subject);
                next += periodNanos;
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                }
            }
        }
    }

    @Test
    void theBacklogOfAnOutageArrivesWithinSecondsOfRecoveryAcrossAKillNine(@TempDir Path data) throws Exception {
        AtomicBoolean up = new AtomicBoolean(false);
        AtomicInteger failed = new AtomicInteger();
        Map<String, Instant> acked = new ConcurrentHashMap<>();
        try (RecordingReceiver receiver = new RecordingReceiver(SECRET)) {
            receiver.replyWith(delivery -> {
                if (!up.get()) {
                    failed.incrementAndGet();
                    return RecordingReceiver.Reply.of(503);
                }
                acked.putIfAbsent(DeliveryGuaranteesIT.subjectOf(delivery), Instant.now());
                return RecordingReceiver.Reply.of(204);
            });
            List<String> accepted = new ArrayList<>();
            Instant outageStart;
            ServerProcess server = ServerProcess.mailhook(data, receiver.url(), SECRET, env()).start();
            try {
                outageStart = Instant.now();
                // Mail arrives during the first half of the outage; the server dies at two thirds of it.
                sendUntil(server.smtpPort(), outageStart.plusSeconds(OUTAGE_SECONDS / 2), accepted);
                // The mail waits in the parked repository, on disk, when the server dies.
                Path parked = server.data().resolve("var/mail/webhook-parked/mailhook-webhooks");
                try {
                    await().atMost(Duration.ofSeconds(30)).until(() -> countFiles(parked) > 0);
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    printBreakerLines(server);
                    System.out.println(server.errors(10));
                    throw e;
                }
                // and the deliveries API lists it as parked, with its endpoint
                com.fasterxml.jackson.databind.JsonNode parkedList = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                    server.webadmin("GET", "/mailhook/deliveries?status=parked", null).body()).path("deliveries");
                assertThat(parkedList.size()).isPositive();
                assertThat(parkedList).allSatisfy(entry -> {
                    assertThat(entry.path("status").asText()).isEqualTo("parked");
                    assertThat(entry.path("key").asText()).startsWith("p");
                });
                Thread.sleep(Math.max(0, OUTAGE_SECONDS * 2000 / 3 - Duration.between(outageStart, Instant.now()).toMillis()));
                System.out.printf("BREAKER before kill -9: %d mails accepted, %d files parked, %d requests failed%n",
                    accepted.size(), countFiles(parked), failed.get());
                server.kill9();
            } finally {
                server.close();
            }
            try (ServerProcess restarted = ServerProcess.mailhook(data, receiver.url(), SECRET, env()).start()) {
                // Mail keeps arriving until the outage ends (in CI the restart takes the rest of it), and the
                // endpoint stays down a few seconds after the restart at least: the probe finds it down and backs off.
                sendUntil(restarted.smtpPort(), outageStart.plusSeconds(OUTAGE_SECONDS), accepted);
                Thread.sleep(Math.max(3000, OUTAGE_SECONDS * 1000 - Duration.between(outageStart, Instant.now()).toMillis()));
                int failedInOutage = failed.get();
                Instant recovered = Instant.now();
                up.set(true);
                try {
                    await().atMost(Duration.ofSeconds(DRAIN_SECONDS + 30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> acked.keySet().containsAll(accepted));
                } finally {
                    printBreakerLines(restarted);
                }
                List<Long> afterRecovery = accepted.stream().map(s -> Duration.between(recovered, acked.get(s)).toMillis()).sorted().toList();
                long last = afterRecovery.get(afterRecovery.size() - 1);
                System.out.printf("BREAKER %d mails at %.1f/s, outage %d s with a kill -9, schedule %s: %d requests failed during the outage;"
                        + " delivered after recovery: p50 %d ms, last %d ms (%.0f mails/s drained)%n",
                    accepted.size(), RATE, Duration.between(outageStart, recovered).toSeconds(), DELAYS, failedInOutage,
                    afterRecovery.get(afterRecovery.size() / 2), last, accepted.size() * 1000.0 / Math.max(1, last));
                assertThat(last).isLessThan(DRAIN_SECONDS * 1000);
                // Mail waited without being tried: far fewer requests than mails (without the breaker each
                // mail is tried at least once, and again after 5 s).
                assertThat(failedInOutage).isLessThan(accepted.size());
                // A moment for anything sent twice to show up, then: one webhook-id per mail.
                Thread.sleep(2000);
            }
            Map<String, Set<String>> idsBySubject = receiver.deliveries().stream()
                .collect(Collectors.groupingBy(DeliveryGuaranteesIT::subjectOf, Collectors.mapping(RecordingReceiver.Delivery::webhookId, Collectors.toSet())));
            assertThat(idsBySubject.keySet()).containsAll(accepted);
            assertThat(idsBySubject.values()).allMatch(ids -> ids.size() == 1);
            assertThat(receiver.deliveries()).allMatch(RecordingReceiver.Delivery::signatureValid);
        }
    }

    private static long countFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        } catch (Exception e) {
            return 0;
        }
    }
}
