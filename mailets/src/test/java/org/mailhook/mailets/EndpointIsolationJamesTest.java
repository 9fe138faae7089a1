package org.mailhook.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.james.JamesServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mailhook.testing.JamesTestServer;
import org.mailhook.testing.RecordingReceiver;
import org.mailhook.testing.SmtpClient;

/**
 * A hanging receiver cannot move a healthy endpoint's latency: ten endpoints on one host (as many
 * instant addresses minted for one receiver would be) answer after 30 s, another endpoint answers at
 * once; all share one queue and its 8 consumers. The per-endpoint and per-host limits keep most consumers
 * free for the healthy endpoint.
 */
class EndpointIsolationJamesTest {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final int HANGING_ENDPOINTS = 10;
    private static final RecordingReceiver HANGING = RecordingReceiver.startUnchecked(SECRET);
    private static final RecordingReceiver HEALTHY = RecordingReceiver.startUnchecked(SECRET);
    private static final Path ROUTES = routesFile();
    private static final JamesTestServer JAMES = JamesTestServer.withMailhookProcessor("""
        <mailet match="All" class="org.mailhook.mailets.FakeJsonMailet"/>
        <mailet match="All" class="org.mailhook.mailets.WebhookDelivery">
          <routesFile>%s</routesFile>
          <allowLoopback>true</allowLoopback>
          <delays>5s, 1m</delays>
          <deadLetterRepository>memory://var/mail/webhook-dead/</deadLetterRepository>
          <parkedRepository>memory://var/mail/webhook-parked/</parkedRepository>
        </mailet>""".formatted(ROUTES));

    @RegisterExtension
    static JamesServerExtension jamesServer = JAMES.extension();

    private static Path routesFile() {
        try {
            String hanging = IntStream.range(0, HANGING_ENDPOINTS)
                .mapToObj(i -> "\"hang-%d\": {\"url\": \"%s/%d\", \"secrets\": [\"%s\"], \"callTimeout\": \"30s\", \"readTimeout\": \"30s\"}"
                    .formatted(i, HANGING.url(), i, SECRET))
                .collect(Collectors.joining(",\n"));
            String routes = IntStream.range(0, HANGING_ENDPOINTS)
                .mapToObj(i -> "{\"recipient\": \"hang-%d@inbound.localhost\", \"endpoints\": [\"hang-%d\"]}".formatted(i, i))
                .collect(Collectors.joining(",\n"));
            Path file = Files.createTempFile("mailhook-isolation-routes", ".json");
            file.toFile().deleteOnExit();
            Files.writeString(file, """
                {"endpoints": {%s,
                  "healthy": {"url": "%s", "secrets": ["%s"]}},
                 "routes": [%s,
                  {"recipient": "healthy@inbound.localhost", "endpoints": ["healthy"]}]}
                """.formatted(hanging, HEALTHY.url(), SECRET, routes));
            return file;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void closeReceivers() {
        HANGING.close();
        HEALTHY.close();
    }

    @Test
    void aHangingHostDoesNotMoveAHealthyEndpointsLatency() throws Exception {
        HANGING.replyWith(d -> new RecordingReceiver.Reply(204, Map.of(), Duration.ofSeconds(30)));
        HEALTHY.respondWith(n -> 204);
        Map<String, Instant> accepted = new ConcurrentHashMap<>();
        List<String> subjects = new ArrayList<>();
        long end = System.nanoTime() + Duration.ofSeconds(12).toNanos();
        int i = 0;
        while (System.nanoTime() < end) {
            send("hang-" + (i % HANGING_ENDPOINTS) + "@inbound.localhost", "hanging-" + i);
            String subject = "healthy-" + i;
            send("healthy@inbound.localhost", subject);
            accepted.put(subject, Instant.now());
            subjects.add(subject);
            i++;
            Thread.sleep(200);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> HEALTHY.deliveries().size() >= subjects.size());
        List<Long> latencies = new ArrayList<>();
        for (RecordingReceiver.Delivery delivery : HEALTHY.deliveries()) {
            String subject = delivery.body().substring(delivery.body().indexOf("healthy-"), delivery.body().indexOf('"', delivery.body().indexOf("healthy-")));
            latencies.add(Math.max(0, Duration.between(accepted.get(subject), delivery.receivedAt()).toMillis()));
        }
        latencies.sort(Long::compare);
        long p50 = latencies.get(latencies.size() / 2);
        long p99 = latencies.get(Math.min(latencies.size() - 1, (int) Math.ceil(latencies.size() * 0.99) - 1));
        long max = latencies.get(latencies.size() - 1);
        System.out.printf("isolation: %d healthy mails beside %d mails to %d hanging endpoints on one host: accept->ack p50 %d ms, p99 %d ms, max %d ms;"
            + " %d requests reached the hanging host%n", latencies.size(), subjects.size(), HANGING_ENDPOINTS, p50, p99, max, HANGING.deliveries().size());
        assertThat(HEALTHY.deliveries()).hasSize(subjects.size());
        assertThat(p99).isLessThan(5000);
        // The host cap (4) held: each request to the hanging host lasts 30 s, so no more than 4 can start within 29 s of the first.
        Instant firstHang = HANGING.deliveries().get(0).receivedAt();
        assertThat(HANGING.deliveries().stream().filter(d -> d.receivedAt().isBefore(firstHang.plusSeconds(29)))).hasSizeLessThanOrEqualTo(4);
    }

    private static void send(String to, String subject) throws Exception {
        assertThat(SmtpClient.send(JAMES.smtpPort(), "sender@example.org", to,
            "Subject: " + subject + "\r\nMessage-ID: <" + subject + "@example.org>\r\n\r\nbody\r\n")).startsWith("250");
    }
}
