package org.mailhook.webadmin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.apache.james.utils.WebAdminGuiceProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mailhook.testing.JamesTestServer;
import org.mailhook.testing.RecordingReceiver;
import org.mailhook.testing.SmtpClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The operations API inside a real James 3.8.1 with WebAdmin: the shipped pipeline (ToJson,
 * RecordMetrics, Archive, WebhookDelivery) with Mailhook's WebAdmin routes, health checks and
 * James' Prometheus /metrics route, over SMTP and HTTP.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperationsJamesTest {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final RecordingReceiver RECEIVER = RecordingReceiver.startUnchecked(SECRET);
    private static final RecordingReceiver INSTANT_RECEIVER = RecordingReceiver.startUnchecked(SECRET);
    private static final JamesTestServer JAMES = JamesTestServer.withMailhookProcessor("""
        <mailet match="All" class="org.mailhook.mailets.ToJson"/>
        <mailet match="All" class="org.mailhook.mailets.RecordMetrics"/>
        <mailet match="All" class="org.mailhook.mailets.Archive">
          <repositoryPath>memory://var/mail/archive/</repositoryPath>
          <retention>1d</retention>
        </mailet>
        <mailet match="All" class="org.mailhook.mailets.WebhookDelivery">
          <url>%s</url>
          <secret>%s</secret>
          <allowLoopback>true</allowLoopback>
          <delays>2*1s</delays>
          <deadLetterRepository>memory://var/mail/webhook-dead-letters/</deadLetterRepository>
          <instantAddresses>memory://var/mail/instant-addresses/</instantAddresses>
        </mailet>""".formatted(RECEIVER.url(), SECRET))
        .withConf("webadmin.properties", """
            enabled=true
            port=0
            host=127.0.0.1
            extensions.routes=org.mailhook.webadmin.MessagesRoutes,org.mailhook.webadmin.DeliveriesRoutes,\
            org.mailhook.webadmin.EndpointsRoutes,org.mailhook.webadmin.AddressesRoutes,org.mailhook.webadmin.AuditRoutes,\
            org.apache.james.webadmin.dropwizard.MetricsRoutes
            """)
        .withConf("healthcheck.properties", """
            additional.healthchecks=org.mailhook.ops.DeadLettersHealthCheck,org.mailhook.ops.WebhookQueueHealthCheck
            """)
        .withConf("mailhook.properties", """
            archive.repository=memory://var/mail/archive/
            webhook.deadLetterRepository=memory://var/mail/webhook-dead-letters/
            addresses.repository=memory://var/mail/instant-addresses/
            addresses.domain=inbound.localhost
            webhook.allowLoopback=true
            pull.settle=500ms
            health.endpoint.failingAttempts=1
            health.queue.maxAge=500ms
            secrets.keyFile=%s
            """.formatted(serverKeyFile()));

    /** Seals the minted addresses' secrets (mailhook.properties secrets.keyFile). */
    private static String serverKeyFile() {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("mailhook-server", ".key");
            file.toFile().deleteOnExit();
            java.nio.file.Files.writeString(file, org.mailhook.webhook.ServerKey.generate(new java.security.SecureRandom()));
            return file.toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @RegisterExtension
    static JamesServerExtension jamesServer = JAMES.extension();

    @AfterAll
    static void closeReceivers() {
        RECEIVER.close();
        INSTANT_RECEIVER.close();
    }

    @BeforeEach
    void answerOk() {
        RECEIVER.respondWith(n -> 204);
        INSTANT_RECEIVER.respondWith(n -> 204);
    }

    @Test
    @Order(1)
    void pullApiPagesFiveHundredMailsInArrivalOrderAcrossAnOutageWithNoGapAndNoRepeat(GuiceJamesServer server) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String start = page(server, "", 1000).path("next").asText();
        // Four SMTP clients deliver 500 mails while the consumer reads pages of 37.
        ExecutorService senders = Executors.newFixedThreadPool(4);
        List<Future<?>> sent = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            sent.add(senders.submit(() -> {
                for (int i = thread; i < 500; i += 4) {
                    send("to@inbound.localhost", "pull-" + run + "-" + i);
                }
                return null;
            }));
        }
        List<String> ids = new ArrayList<>();
        List<String> subjects = new ArrayList<>();
        String cursor = start;
        boolean outageDone = false;
        long deadline = System.currentTimeMillis() + 180_000;
        while (subjects.size() < 500 && System.currentTimeMillis() < deadline) {
            JsonNode page = page(server, cursor, 37);
            for (JsonNode entry : page.path("messages")) {
                ids.add(entry.path("id").asText());
                subjects.add(entry.path("message").path("subject").asText());
            }
            cursor = page.path("next").asText();
            if (!outageDone && subjects.size() >= 150) {
                // The consumer goes away with only its cursor; mail keeps arriving meanwhile.
                outageDone = true;
                Thread.sleep(3000);
            } else if (page.path("messages").isEmpty()) {
                Thread.sleep(200);
            }
        }
        for (Future<?> f : sent) {
            f.get();
        }
        senders.shutdown();
        assertThat(outageDone).isTrue();
        assertThat(subjects).hasSize(500);
        assertThat(new HashSet<>(ids)).hasSize(500);
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            expected.add("pull-" + run + "-" + i);
        }
        assertThat(new HashSet<>(subjects)).isEqualTo(expected);
        assertThat(ids).isSorted();
        System.out.println("pull API: 500/500 mails read once each in " + ids.size() + " ids, pages of 37, 3 s outage after 150");

        // A search pages by the same cursor: subject "…-1" matches 1, 10–19 and 100–199, read in pages of 25.
        List<String> found = new ArrayList<>();
        List<String> foundIds = new ArrayList<>();
        String searchCursor = start;
        for (int pages = 0; pages < 100; pages++) {
            JsonNode page = JSON.readTree(get(server, "/mailhook/messages?subject=pull-" + run + "-1&limit=25&after=" + searchCursor).body());
            page.path("messages").forEach(entry -> {
                foundIds.add(entry.path("id").asText());
                found.add(entry.path("message").path("subject").asText());
            });
            searchCursor = page.path("next").asText();
            if (!page.path("more").asBoolean()) {
                break;
            }
        }
        assertThat(found).hasSize(111).allMatch(subject -> subject.startsWith("pull-" + run + "-1"));
        assertThat(foundIds).isSorted().doesNotHaveDuplicates();
        assertThat(get(server, "/mailhook/messages?since=yesterday").statusCode()).isEqualTo(400);

        // One message, its raw MIME and its JSON by id.
        String id = ids.get(0);
        HttpResponse<String> json = get(server, "/mailhook/messages/" + id);
        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(json.body()).path("subject").asText()).isEqualTo(subjects.get(0));
        HttpResponse<String> raw = get(server, "/mailhook/messages/" + id + "/raw");
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(raw.headers().firstValue("Content-Type").orElse("")).startsWith("message/rfc822");
        assertThat(raw.body()).contains("Subject: " + subjects.get(0));
        assertThat(get(server, "/mailhook/messages/m0000000000000-000000-00000000").statusCode()).isEqualTo(404);
    }

    @Test
    @Order(2)
    void attachmentIsServedDecodedByItsPartId(GuiceJamesServer server) throws Exception {
        String subject = "attach-" + UUID.randomUUID();
        String message = "Subject: " + subject + "\r\nMessage-ID: <" + subject + "@example.org>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
            + "--b\r\nContent-Type: text/csv; name=\"data.csv\"\r\nContent-Disposition: attachment; filename=\"data.csv\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n" + java.util.Base64.getMimeEncoder().encodeToString("a,b\n1,2\n".getBytes()) + "\r\n--b--\r\n";
        assertThat(SmtpClient.send(JAMES.smtpPort(), "sender@example.org", "to@inbound.localhost", message)).startsWith("250");
        JsonNode entry = await().atMost(Duration.ofSeconds(20)).until(() -> findInArchive(server, subject), e -> e != null);
        JsonNode attachment = entry.path("message").path("attachments").path(0);
        String partId = attachment.path("partId").asText();
        HttpResponse<String> bytes = get(server, "/mailhook/messages/" + entry.path("id").asText() + "/attachments/" + partId);
        assertThat(bytes.statusCode()).isEqualTo(200);
        assertThat(bytes.body()).isEqualTo("a,b\n1,2\n");
        assertThat(bytes.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        // A thin payload's receiver knows the message by its mailhook id ("id" of the JSON).
        String mailhookId = entry.path("message").path("id").asText();
        assertThat(mailhookId).startsWith("mh1_");
        assertThat(get(server, "/mailhook/messages/" + mailhookId + "/attachments/" + partId).body()).isEqualTo("a,b\n1,2\n");
        assertThat(JSON.readTree(get(server, "/mailhook/messages/" + mailhookId).body()).path("subject").asText()).isEqualTo(subject);
        assertThat(get(server, "/mailhook/messages/mh1_00000000000000000000000000000000").statusCode()).isEqualTo(404);
    }

    @Test
    @Order(3)
    void deadLetterTurnsHealthDegradedAndRedeliveryAfterRecoveryKeepsTheWebhookId(GuiceJamesServer server) throws Exception {
        assertThat(health(server, "mailhook-dead-letters")).isEqualTo("healthy");
        java.time.Instant started = java.time.Instant.now();
        long deadBefore = metric(server, "mailhook_webhook_dead_letters_total");
        long redeliveriesBefore = metric(server, "mailhook_webhook_redeliveries_total");
        String subject = "dead-" + UUID.randomUUID();
        RECEIVER.respondWith(n -> 400);
        send("to@inbound.localhost", subject);
        JsonNode dead = await().atMost(Duration.ofSeconds(20)).until(() -> deadLetter(server, subject), d -> d != null);
        assertThat(dead.path("status").asText()).isEqualTo("dead");
        assertThat(dead.path("lastStatus").asInt()).isEqualTo(400);
        assertThat(dead.path("attempts").asInt()).isEqualTo(1);
        assertThat(dead.path("deadReason").asText()).contains("400");
        assertThat(health(server, "mailhook-dead-letters")).isEqualTo("degraded");
        assertThat(metric(server, "mailhook_webhook_dead_letters_total")).isEqualTo(deadBefore + 1);

        // The receiver is fixed; the operator redelivers the endpoint's dead letters.
        RECEIVER.respondWith(n -> 204);
        assertThat(post(server, "/mailhook/deliveries/dead/redeliver").statusCode()).isEqualTo(400);
        String later = java.time.Instant.now().plusSeconds(3600).toString();
        assertThat(JSON.readTree(post(server, "/mailhook/deliveries/dead/redeliver?from=" + later).body()).path("redelivered").asInt()).isZero();
        assertThat(JSON.readTree(post(server, "/mailhook/deliveries/dead/redeliver?endpoint=other").body()).path("redelivered").asInt()).isZero();
        HttpResponse<String> redeliver = post(server, "/mailhook/deliveries/dead/redeliver?endpoint=default&from=" + started + "&to=" + later);
        assertThat(redeliver.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(redeliver.body()).path("redelivered").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> deliveriesOf(RECEIVER, subject).size() == 2);
        List<RecordingReceiver.Delivery> attempts = deliveriesOf(RECEIVER, subject);
        assertThat(attempts.get(1).webhookId()).isEqualTo(attempts.get(0).webhookId()).isEqualTo(dead.path("webhookId").asText());
        assertThat(attempts.get(1).signatureValid()).isTrue();
        assertThat(deadLetter(server, subject)).isNull();
        assertThat(health(server, "mailhook-dead-letters")).isEqualTo("healthy");
        assertThat(metric(server, "mailhook_webhook_redeliveries_total")).isEqualTo(redeliveriesBefore + 1);
    }

    @Test
    @Order(4)
    void metricsEndpointShowsTheCountersMovingForKnownMails(GuiceJamesServer server) throws Exception {
        long accepted = metric(server, "mailhook_mails_accepted_total");
        long ok = metric(server, "mailhook_webhook_attempts_2xx_total");
        long server5xx = metric(server, "mailhook_webhook_attempts_5xx_total");
        long acked = metric(server, "mailhook_webhook_ack_latency_le_inf_total");
        long noMessageId = metric(server, "mailhook_mails_missing_message_id_total");
        String subject = "metrics-" + UUID.randomUUID();
        // first attempt 503, then 204: one 5xx and one 2xx per mail
        RECEIVER.respondWith(n -> 204);
        RECEIVER.replyWith(d -> d.body().contains("\"" + subject + "\"") && deliveriesOf(RECEIVER, subject).size() == 1
            ? RecordingReceiver.Reply.of(503) : RecordingReceiver.Reply.of(204));
        send("to@inbound.localhost", subject);
        assertThat(SmtpClient.send(JAMES.smtpPort(), "sender@example.org", "to@inbound.localhost",
            "Subject: " + subject + "-noid\r\n\r\nno message id\r\n")).startsWith("250");
        await().atMost(Duration.ofSeconds(30)).until(() -> metric(server, "mailhook_webhook_ack_latency_le_inf_total") >= acked + 2);
        assertThat(metric(server, "mailhook_mails_accepted_total")).isEqualTo(accepted + 2);
        assertThat(metric(server, "mailhook_mails_missing_message_id_total")).isEqualTo(noMessageId + 1);
        assertThat(metric(server, "mailhook_webhook_attempts_5xx_total")).isEqualTo(server5xx + 1);
        assertThat(metric(server, "mailhook_webhook_attempts_2xx_total")).isEqualTo(ok + 2);
        String text = get(server, "/metrics").body();
        assertThat(text).contains("mailhook_webhook_http_time_count").contains("mailhook_webhook_queue_depth_mailhook_webhooks")
            .contains("mailhook_webhook_dead_letters_stored");
    }

    @Test
    @Order(5)
    void mintedAddressReceivesMailAtItsOwnEndpointUntilRevoked(GuiceJamesServer server) throws Exception {
        HttpResponse<String> minted = send(server, "POST", "/mailhook/addresses",
            "{\"url\":\"" + INSTANT_RECEIVER.url() + "?token=abc\"}");
        assertThat(minted.statusCode()).as(minted.body()).isEqualTo(201);
        String address = JSON.readTree(minted.body()).path("address").asText();
        assertThat(address).matches("[a-z0-9]{20}@inbound\\.localhost");
        assertThat(minted.body()).doesNotContain("token=abc");

        HttpResponse<String> withSecret = send(server, "POST", "/mailhook/addresses",
            "{\"url\":\"https://hooks.example.com/x\",\"secret\":\"whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0\"}");
        assertThat(withSecret.statusCode()).isEqualTo(201);
        assertThat(get(server, "/mailhook/addresses").body()).contains(address).doesNotContain("whsec_").contains("\"hasSecret\":true");
        assertThat(send(server, "POST", "/mailhook/addresses", "{\"url\":\"https://x\",\"secret\":\"whsec_bad\"}").statusCode()).isEqualTo(400);
        // Loopback is opted in (webhook.allowLoopback) for the receivers above; nothing else internal is minted.
        for (String url : List.of("http://169.254.169.254/latest", "http://10.0.0.1/", "http://2130706433/", "http://[::ffff:a9fe:a9fe]/")) {
            HttpResponse<String> refused = send(server, "POST", "/mailhook/addresses", "{\"url\":\"" + url + "\"}");
            assertThat(refused.statusCode()).as(url).isEqualTo(400);
            assertThat(refused.body()).as(url).contains("url: host").contains("refused by the SSRF guard");
        }

        String subject = "instant-" + UUID.randomUUID();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            // WebhookDelivery re-reads the addresses every 2 s
            send(address, subject);
            return !deliveriesOf(INSTANT_RECEIVER, subject).isEmpty();
        });
        RecordingReceiver.Delivery delivery = deliveriesOf(INSTANT_RECEIVER, subject).get(0);
        assertThat(delivery.signatureValid()).as(delivery.verifyError()).isTrue();
        assertThat(delivery.body()).contains(address);

        assertThat(send(server, "DELETE", "/mailhook/addresses/" + address, "").statusCode()).isEqualTo(204);
        assertThat(get(server, "/mailhook/addresses").body()).doesNotContain(address);
    }

    @Test
    @Order(6)
    void failingEndpointShowsAsRetryingAndAnOldFailingMailDegradesTheQueueCheckUntilItIsDropped(GuiceJamesServer server) throws Exception {
        assertThat(health(server, "mailhook-webhook-queue")).isEqualTo("healthy");
        String subject = "failing-" + UUID.randomUUID();
        RECEIVER.respondWith(n -> 503);
        send("to@inbound.localhost", subject);
        // Between attempts (1 s apart) the mail waits on the queue with its failed attempt recorded.
        JsonNode retrying = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            JsonNode list = JSON.readTree(get(server, "/mailhook/deliveries?status=retrying").body());
            for (JsonNode delivery : list.path("deliveries")) {
                JsonNode check = JSON.readTree(get(server, "/healthcheck/checks/mailhook-webhook-queue").body());
                // caught in the second wait, when the mail is both failing and older than 500 ms
                if (subject.equals(delivery.path("subject").asText()) && check.path("cause").asText().contains("waits for")) {
                    return ((com.fasterxml.jackson.databind.node.ObjectNode) delivery).set("health", check);
                }
            }
            return null;
        }, d -> d != null);
        assertThat(retrying.path("attempts").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(retrying.path("lastStatus").asInt()).isEqualTo(503);
        // a fixed reason, never what the endpoint answered: lastError must not turn the server into a proxy
        assertThat(retrying.path("lastError").asText()).isEqualTo("HTTP 503: receiver error");
        assertThat(retrying.path("nextAttempt").isTextual()).isTrue();
        assertThat(retrying.path("health").path("status").asText()).isEqualTo("degraded");
        assertThat(retrying.path("health").path("cause").asText())
            .contains("endpoint default keeps failing: 1 mails at attempt 1 or later").contains("(more than 500ms)");

        JsonNode dead = await().atMost(Duration.ofSeconds(20)).until(() -> deadLetter(server, subject), d -> d != null);
        assertThat(dead.path("attempts").asInt()).isEqualTo(3);
        assertThat(health(server, "mailhook-webhook-queue")).isEqualTo("healthy");
        assertThat(health(server, "mailhook-dead-letters")).isEqualTo("degraded");
        assertThat(send(server, "DELETE", "/mailhook/deliveries/dead/" + dead.path("key").asText(), null).statusCode()).isEqualTo(204);
        assertThat(deadLetter(server, subject)).isNull();
        assertThat(health(server, "mailhook-dead-letters")).isEqualTo("healthy");
    }

    @Test
    @Order(7)
    void deliveredMailIsListedWithItsAttemptsAndItsReplayArrivesWithTheSameWebhookIdAndBody(GuiceJamesServer server) throws Exception {
        long redeliveriesBefore = metric(server, "mailhook_webhook_redeliveries_total");
        String subject = "delivered-" + UUID.randomUUID();
        // first attempt 503, the retry 204
        RECEIVER.replyWith(d -> d.body().contains("\"" + subject + "\"") && deliveriesOf(RECEIVER, subject).size() == 1
            ? RecordingReceiver.Reply.of(503) : RecordingReceiver.Reply.of(204));
        send("to@inbound.localhost", subject);
        JsonNode delivered = await().atMost(Duration.ofSeconds(20)).until(() -> delivered(server, subject, ""), d -> d != null);
        List<RecordingReceiver.Delivery> received = deliveriesOf(RECEIVER, subject);
        assertThat(received).hasSize(2);
        assertThat(delivered.path("status").asText()).isEqualTo("delivered");
        assertThat(delivered.path("attempts").asInt()).isEqualTo(2);
        assertThat(delivered.path("lastStatus").asInt()).isEqualTo(204);
        assertThat(delivered.path("lastError").isNull()).isTrue();
        assertThat(delivered.path("endpoint").asText()).isEqualTo("default");
        assertThat(delivered.path("recipients").get(0).asText()).isEqualTo("to@inbound.localhost");
        assertThat(delivered.path("webhookId").asText()).isEqualTo(received.get(1).webhookId());
        assertThat(delivered.path("key").asText()).endsWith("-" + received.get(1).webhookId());
        assertThat(java.time.Instant.parse(delivered.path("deliveredAt").asText()))
            .isAfterOrEqualTo(java.time.Instant.parse(delivered.path("lastAttemptAt").asText()));
        assertThat(delivered.path("archiveKey").asText()).endsWith("-" + delivered.path("mailhookId").asText());
        assertThat(delivered.path("nextAttempt").isNull()).isTrue();
        assertThat(delivered(server, subject, "&endpoint=other")).isNull();

        // the receiver lost it: replay this one delivery
        RECEIVER.respondWith(n -> 204);
        String key = delivered.path("key").asText();
        assertThat(post(server, "/mailhook/deliveries/delivered/d0000000000000-msg_unknown/redeliver").statusCode()).isEqualTo(404);
        HttpResponse<String> replay = post(server, "/mailhook/deliveries/delivered/" + key + "/redeliver");
        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);
        assertThat(JSON.readTree(replay.body()).path("keys").get(0).asText()).isEqualTo(key);
        await().atMost(Duration.ofSeconds(20)).until(() -> deliveriesOf(RECEIVER, subject).size() == 3);
        RecordingReceiver.Delivery replayed = deliveriesOf(RECEIVER, subject).get(2);
        assertThat(replayed.webhookId()).isEqualTo(received.get(1).webhookId());
        assertThat(replayed.body()).isEqualTo(received.get(1).body());
        assertThat(replayed.signatureValid()).as(replayed.verifyError()).isTrue();
        assertThat(metric(server, "mailhook_webhook_redeliveries_total")).isEqualTo(redeliveriesBefore + 1);
        // still one record of the delivery, now the replay's, whose history holds all three attempts
        JsonNode after = await().atMost(Duration.ofSeconds(10))
            .until(() -> delivered(server, subject, ""), d -> d != null && !d.path("deliveredAt").equals(delivered.path("deliveredAt")));
        assertThat(after.path("attempts").asInt()).isEqualTo(1);
        assertThat(JSON.readTree(get(server, "/mailhook/deliveries?status=delivered&limit=50").body()).path("deliveries").findValuesAsText("subject"))
            .containsOnlyOnce(subject);
        System.out.println("delivered: listed with 2 attempts (503, 204); replay arrived with the same webhook-id and body");
    }

    @Test
    @Order(8)
    void timeRangeReplayPutsBackOnlyTheMailsDeliveredInThatRange(GuiceJamesServer server) throws Exception {
        String before = "range-before-" + UUID.randomUUID();
        String inside = "range-inside-" + UUID.randomUUID();
        send("to@inbound.localhost", before);
        await().atMost(Duration.ofSeconds(20)).until(() -> delivered(server, before, "") != null);
        String from = java.time.Instant.now().toString();
        send("to@inbound.localhost", inside);
        JsonNode record = await().atMost(Duration.ofSeconds(20)).until(() -> delivered(server, inside, ""), d -> d != null);
        String to = java.time.Instant.now().plusMillis(1).toString();

        assertThat(delivered(server, inside, "&from=" + from)).isNotNull();
        assertThat(delivered(server, before, "&from=" + from)).isNull();
        JsonNode one = JSON.readTree(get(server, "/mailhook/deliveries?status=delivered&limit=1").body());
        assertThat(one.path("deliveries")).hasSize(1);
        assertThat(one.path("deliveries").get(0).path("subject").asText()).isEqualTo(inside);
        assertThat(one.path("moreDelivered").asBoolean()).isTrue();

        assertThat(post(server, "/mailhook/deliveries/delivered/redeliver").statusCode()).isEqualTo(400);
        assertThat(post(server, "/mailhook/deliveries/delivered/redeliver?from=yesterday").statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(post(server, "/mailhook/deliveries/delivered/redeliver?endpoint=other&from=" + from).body())
            .path("redelivered").asInt()).isZero();
        HttpResponse<String> replay = post(server, "/mailhook/deliveries/delivered/redeliver?endpoint=default&from=" + from + "&to=" + to);
        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(replay.body());
        assertThat(answer.path("redelivered").asInt()).isEqualTo(1);
        assertThat(answer.path("keys").get(0).asText()).isEqualTo(record.path("key").asText());
        await().atMost(Duration.ofSeconds(20)).until(() -> deliveriesOf(RECEIVER, inside).size() == 2);
        List<RecordingReceiver.Delivery> twice = deliveriesOf(RECEIVER, inside);
        assertThat(twice.get(1).webhookId()).isEqualTo(twice.get(0).webhookId());
        assertThat(twice.get(1).body()).isEqualTo(twice.get(0).body());
        assertThat(deliveriesOf(RECEIVER, before)).hasSize(1);
    }

    @Test
    @Order(9)
    void replayOfAMailNoLongerArchivedIsRefusedNamingWhyAndARecordCanBeDropped(GuiceJamesServer server) throws Exception {
        String subject = "purged-" + UUID.randomUUID();
        String from = java.time.Instant.now().toString();
        send("to@inbound.localhost", subject);
        JsonNode record = await().atMost(Duration.ofSeconds(20)).until(() -> delivered(server, subject, ""), d -> d != null);
        // the archive's retention removed the mail (here through James' own mail repository route)
        String archivePath = null;
        for (JsonNode repository : JSON.readTree(get(server, "/mailRepositories").body())) {
            if (repository.path("repository").asText().contains("archive")) {
                archivePath = repository.path("path").asText();
            }
        }
        assertThat(archivePath).isNotNull();
        HttpResponse<String> removed = send(server, "DELETE", "/mailRepositories/" + archivePath + "/mails/" + record.path("archiveKey").asText(), null);
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(204);

        String key = record.path("key").asText();
        HttpResponse<String> refused = post(server, "/mailhook/deliveries/delivered/" + key + "/redeliver");
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(refused.body()).path("message").asText()).contains("is gone (archive retention)");
        JsonNode many = JSON.readTree(post(server, "/mailhook/deliveries/delivered/redeliver?from=" + from).body());
        assertThat(many.path("redelivered").asInt()).isZero();
        assertThat(many.path("skipped").get(0).path("key").asText()).isEqualTo(key);
        assertThat(many.path("skipped").get(0).path("reason").asText()).contains("is gone (archive retention)");

        assertThat(send(server, "DELETE", "/mailhook/deliveries/delivered/" + key, null).statusCode()).isEqualTo(204);
        assertThat(delivered(server, subject, "")).isNull();
        assertThat(send(server, "DELETE", "/mailhook/deliveries/delivered/" + key, null).statusCode()).isEqualTo(404);
        assertThat(deliveriesOf(RECEIVER, subject)).hasSize(1);
    }

    // --- helpers

    @Test
    @Order(10)
    void endpointHealthDmarcAndAReplayToAnotherEndpointWithItsOwnWebhookId(GuiceJamesServer server) throws Exception {
        String subject = "elsewhere-" + UUID.randomUUID();
        send("to@inbound.localhost", subject);
        JsonNode delivered = await().atMost(Duration.ofSeconds(20)).until(() -> delivered(server, subject, ""), d -> d != null);

        JsonNode health = JSON.readTree(get(server, "/mailhook/endpoints").body());
        JsonNode endpoint = health.path("endpoints").findParents("name").stream().filter(e -> e.path("name").asText().equals("default"))
            .findFirst().orElseThrow();
        assertThat(endpoint.path("delivered").asLong()).isPositive();
        assertThat(endpoint.path("p99Ms").asLong()).isGreaterThanOrEqualTo(endpoint.path("p50Ms").asLong());
        assertThat(endpoint.path("circuit").path("state").asText()).isIn("closed", "off");
        assertThat(endpoint.path("waiting").path("parked").asInt()).isZero();
        assertThat(health.path("routable").toString()).contains("\"default\"");
        assertThat(health.path("charts").path("hour").path("buckets")).hasSize(12);
        assertThat(health.path("charts").path("hour").path("buckets").get(11).path("delivered").asLong()
            + health.path("charts").path("hour").path("buckets").get(10).path("delivered").asLong()).isPositive();

        JsonNode dmarc = JSON.readTree(get(server, "/mailhook/dmarc?hours=1").body());
        assertThat(dmarc.path("mails").asInt()).isPositive();
        assertThat(dmarc.path("hours").asInt()).isEqualTo(1);
        assertThat(get(server, "/mailhook/dmarc?limit=0").statusCode()).isEqualTo(400);

        // to an endpoint that does not exist: refused, naming the ones that do
        String key = delivered.path("key").asText();
        HttpResponse<String> unknown = post(server, "/mailhook/deliveries/delivered/" + key + "/redeliver?target=nope");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("no endpoint named nope").contains("default");

        // to a minted address's endpoint: it gets the mail under the webhook-id it would have had, the first receiver nothing
        HttpResponse<String> minted = send(server, "POST", "/mailhook/addresses", "{\"url\":\"" + INSTANT_RECEIVER.url() + "\"}");
        assertThat(minted.statusCode()).as(minted.body()).isEqualTo(201);
        String target = "instant-" + JSON.readTree(minted.body()).path("address").asText().split("@")[0];
        await().atMost(Duration.ofSeconds(10)).until(() -> JSON.readTree(get(server, "/mailhook/endpoints").body()).path("routable").toString()
            .contains(target));
        int firstBefore = deliveriesOf(RECEIVER, subject).size();
        HttpResponse<String> moved = post(server, "/mailhook/deliveries/delivered/" + key + "/redeliver?target=" + target);
        assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> deliveriesOf(INSTANT_RECEIVER, subject).size() == 1);
        RecordingReceiver.Delivery there = deliveriesOf(INSTANT_RECEIVER, subject).get(0);
        assertThat(there.webhookId()).isEqualTo(org.mailhook.webhook.WebhookIds.forDelivery(delivered.path("mailhookId").asText(), target))
            .isNotEqualTo(delivered.path("webhookId").asText());
        assertThat(there.signatureValid()).as(there.verifyError()).isTrue();
        assertThat(JSON.readTree(there.body()).path("route").path("endpoint").asText()).isEqualTo(target);
        assertThat(deliveriesOf(RECEIVER, subject)).hasSize(firstBefore);
        // the original record stays; the new delivery has one of its own
        await().atMost(Duration.ofSeconds(10)).until(() -> delivered(server, subject, "&endpoint=" + target) != null);
        assertThat(delivered(server, subject, "&endpoint=default").path("webhookId").asText()).isEqualTo(delivered.path("webhookId").asText());
    }

    @Test
    @Order(11)
    void deadLettersAndASelectionOfDeliveredMailGoToAnotherEndpointEachWithThatEndpointsWebhookId(GuiceJamesServer server) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String started = java.time.Instant.now().toString();
        HttpResponse<String> minted = send(server, "POST", "/mailhook/addresses", "{\"url\":\"" + INSTANT_RECEIVER.url() + "\"}");
        assertThat(minted.statusCode()).as(minted.body()).isEqualTo(201);
        String target = "instant-" + JSON.readTree(minted.body()).path("address").asText().split("@")[0];
        await().atMost(Duration.ofSeconds(10)).until(() -> JSON.readTree(get(server, "/mailhook/endpoints").body()).path("routable").toString()
            .contains(target));

        // A selection of delivered mail replayed to the other endpoint: each under the webhook-id it would have had there.
        List<String> delivered = List.of("moved-a-" + run, "moved-b-" + run);
        delivered.forEach(subject -> send("to@inbound.localhost", subject));
        await().atMost(Duration.ofSeconds(20)).until(() -> delivered(server, delivered.get(0), "") != null && delivered(server, delivered.get(1), "") != null);
        String to = java.time.Instant.now().plusMillis(1).toString();
        String selection = "endpoint=default&from=" + started + "&to=" + to;
        HttpResponse<String> unknown = post(server, "/mailhook/deliveries/delivered/redeliver?" + selection + "&target=nope");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("no endpoint named nope").contains("default").contains(target);
        HttpResponse<String> replayed = post(server, "/mailhook/deliveries/delivered/redeliver?" + selection + "&target=" + target);
        assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(200);
        assertThat(JSON.readTree(replayed.body()).path("redelivered").asInt()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(20)).until(() -> delivered.stream().allMatch(subject -> deliveriesOf(INSTANT_RECEIVER, subject).size() == 1));
        for (String subject : delivered) {
            RecordingReceiver.Delivery there = deliveriesOf(INSTANT_RECEIVER, subject).get(0);
            assertThat(there.webhookId()).isEqualTo(org.mailhook.webhook.WebhookIds.forDelivery(delivered(server, subject, "&endpoint=default")
                .path("mailhookId").asText(), target));
            assertThat(there.signatureValid()).as(there.verifyError()).isTrue();
            assertThat(JSON.readTree(there.body()).path("route").path("endpoint").asText()).isEqualTo(target);
            assertThat(deliveriesOf(RECEIVER, subject)).hasSize(1);
        }

        // Dead letters: the configured endpoint refuses them for good (400).
        List<String> dead = List.of("dead-one-" + run, "dead-many1-" + run, "dead-many2-" + run);
        RECEIVER.replyWith(d -> dead.stream().anyMatch(subject -> d.body().contains("\"" + subject + "\""))
            ? RecordingReceiver.Reply.of(400) : RecordingReceiver.Reply.of(204));
        dead.forEach(subject -> send("to@inbound.localhost", subject));
        await().atMost(Duration.ofSeconds(20)).until(() -> dead.stream().allMatch(subject -> {
            try {
                return deadLetter(server, subject) != null;
            } catch (Exception e) {
                return false;
            }
        }));
        JsonNode one = deadLetter(server, dead.get(0));
        String oneKey = one.path("key").asText();
        assertThat(post(server, "/mailhook/deliveries/dead/" + oneKey + "/redeliver?target=nope").statusCode()).isEqualTo(400);
        assertThat(post(server, "/mailhook/deliveries/dead/redeliver?from=" + started + "&target=nope").statusCode()).isEqualTo(400);
        assertThat(deadLetter(server, dead.get(0))).as("a refused target changes nothing").isNotNull();
        assertThat(dead).allSatisfy(subject -> assertThat(deliveriesOf(INSTANT_RECEIVER, subject)).isEmpty());

        // One dead letter to the other endpoint: it leaves the dead letters, the other endpoint acknowledges it under its own webhook-id.
        HttpResponse<String> moved = post(server, "/mailhook/deliveries/dead/" + oneKey + "/redeliver?target=" + target);
        assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
        assertThat(deadLetter(server, dead.get(0))).isNull();
        await().atMost(Duration.ofSeconds(20)).until(() -> deliveriesOf(INSTANT_RECEIVER, dead.get(0)).size() == 1);
        RecordingReceiver.Delivery there = deliveriesOf(INSTANT_RECEIVER, dead.get(0)).get(0);
        assertThat(there.webhookId()).isEqualTo(org.mailhook.webhook.WebhookIds.forDelivery(one.path("mailhookId").asText(), target))
            .isNotEqualTo(one.path("webhookId").asText());
        assertThat(there.signatureValid()).as(there.verifyError()).isTrue();
        assertThat(JSON.readTree(there.body()).path("route").path("endpoint").asText()).isEqualTo(target);
        JsonNode record = await().atMost(Duration.ofSeconds(10)).until(() -> delivered(server, dead.get(0), "&endpoint=" + target), d -> d != null);
        assertThat(record.path("webhookId").asText()).isEqualTo(there.webhookId());
        assertThat(record.path("attempts").asInt()).as("a history of its own").isEqualTo(1);

        // The rest of the selection, in bulk: each one once, under the other endpoint's webhook-id; nothing more to the first endpoint.
        HttpResponse<String> many = post(server, "/mailhook/deliveries/dead/redeliver?from=" + started + "&target=" + target);
        assertThat(many.statusCode()).as(many.body()).isEqualTo(200);
        assertThat(JSON.readTree(many.body()).path("redelivered").asInt()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(20)).until(() -> dead.stream().allMatch(subject -> deliveriesOf(INSTANT_RECEIVER, subject).size() == 1));
        Thread.sleep(500);
        for (String subject : dead) {
            assertThat(deliveriesOf(INSTANT_RECEIVER, subject)).hasSize(1);
            assertThat(deliveriesOf(RECEIVER, subject)).as("only its failed attempt").hasSize(1);
            assertThat(deadLetter(server, subject)).isNull();
        }
        assertThat(deliveriesOf(INSTANT_RECEIVER, dead.get(1)).get(0).webhookId()).isNotEqualTo(deliveriesOf(RECEIVER, dead.get(1)).get(0).webhookId())
            .isEqualTo(delivered(server, dead.get(1), "&endpoint=" + target).path("webhookId").asText());

        // Audited: what, to which endpoint, how many.
        JsonNode audit = JSON.readTree(get(server, "/mailhook/audit?limit=20").body()).path("entries");
        List<String> entries = audit.findParents("action").stream()
            .map(e -> e.path("action").asText() + " | " + e.path("target").asText() + " | " + e.path("mails").asInt()).toList();
        assertThat(entries).contains(
            "replay-delivered | endpoint=default from=" + started + " to=" + to + " to endpoint " + target + " | 2",
            "redeliver-dead | " + oneKey + " to endpoint " + target + " | 1",
            "redeliver-dead | endpoint=* from=" + started + " to=* to endpoint " + target + " | 2");
    }

    private static void send(String to, String subject) {
        try {
            String reply = SmtpClient.send(JAMES.smtpPort(), "sender@example.org", to,
                "Subject: " + subject + "\r\nMessage-ID: <" + subject + "@example.org>\r\n\r\nbody\r\n");
            assertThat(reply).startsWith("250");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<RecordingReceiver.Delivery> deliveriesOf(RecordingReceiver receiver, String subject) {
        return receiver.deliveries().stream().filter(d -> d.body().contains("\"" + subject + "\"")).toList();
    }

    private static JsonNode page(GuiceJamesServer server, String after, int limit) throws Exception {
        HttpResponse<String> response = get(server, "/mailhook/messages?limit=" + limit + (after.isEmpty() ? "" : "&after=" + after));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static JsonNode findInArchive(GuiceJamesServer server, String subject) throws Exception {
        String cursor = "";
        while (true) {
            JsonNode page = page(server, cursor, 1000);
            for (JsonNode entry : page.path("messages")) {
                if (subject.equals(entry.path("message").path("subject").asText())) {
                    return entry;
                }
            }
            if (!page.path("more").asBoolean()) {
                return null;
            }
            cursor = page.path("next").asText();
        }
    }

    private static JsonNode deadLetter(GuiceJamesServer server, String subject) throws Exception {
        JsonNode list = JSON.readTree(get(server, "/mailhook/deliveries?status=dead").body());
        for (JsonNode delivery : list.path("deliveries")) {
            if (subject.equals(delivery.path("subject").asText())) {
                return delivery;
            }
        }
        return null;
    }

    /** The newest delivered entry with this subject; {@code filters} are more query parameters ("&endpoint=…"). */
    private static JsonNode delivered(GuiceJamesServer server, String subject, String filters) throws Exception {
        HttpResponse<String> response = get(server, "/mailhook/deliveries?status=delivered&limit=50" + filters);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        for (JsonNode delivery : JSON.readTree(response.body()).path("deliveries")) {
            if (subject.equals(delivery.path("subject").asText())) {
                return delivery;
            }
        }
        return null;
    }

    private static String health(GuiceJamesServer server, String component) throws Exception {
        return JSON.readTree(get(server, "/healthcheck/checks/" + component).body()).path("status").asText();
    }

    private static long metric(GuiceJamesServer server, String name) throws Exception {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " ([0-9.eE+]+)$").matcher(get(server, "/metrics").body());
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    private static HttpResponse<String> get(GuiceJamesServer server, String path) throws Exception {
        return send(server, "GET", path, null);
    }

    private static HttpResponse<String> post(GuiceJamesServer server, String path) throws Exception {
        return send(server, "POST", path, "");
    }

    private static HttpResponse<String> send(GuiceJamesServer server, String method, String path, String body) throws Exception {
        int port = server.getProbe(WebAdminGuiceProbe.class).getWebAdminPort().getValue();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30));
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
