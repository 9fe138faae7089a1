package org.mailhook.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.testing.RecordingReceiver;
import org.mailhook.testing.SmtpClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The operations API on the assembled server: state that must survive a restart of the same data dir. */
class OperationsIT {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BULK_MAILS = 30;

    @Test
    void mintedAddressArchiveAndDeliveredRecordsSurviveARestart(@TempDir Path data) throws Exception {
        try (RecordingReceiver main = new RecordingReceiver(SECRET); RecordingReceiver instant = new RecordingReceiver(SECRET)) {
            main.respondWith(n -> 204);
            instant.respondWith(n -> 204);
            String address;
            String before = "before-restart-" + UUID.randomUUID();
            String reparsed = "reparse-" + UUID.randomUUID();
            String bulk = "bulk-" + UUID.randomUUID();
            java.time.Instant bulkSince;
            java.time.Instant bulkUntil;
            try (ServerProcess server = ServerProcess.mailhook(data, main.url(), SECRET, Map.of()).start()) {
                awaitWebAdmin(server);
                HttpResponse<String> minted = http(server, "POST", "/mailhook/addresses", "{\"url\":\"" + instant.url() + "\"}");
                assertThat(minted.statusCode()).as(minted.body()).isEqualTo(201);
                address = JSON.readTree(minted.body()).path("address").asText();
                send(server, "someone@inbound.localhost", before);
                send(server, "someone@inbound.localhost", reparsed);
                await().atMost(Duration.ofSeconds(30)).until(() -> main.deliveries().stream().anyMatch(d -> d.body().contains(before))
                    && main.deliveries().stream().anyMatch(d -> d.body().contains(reparsed)));
                bulkSince = java.time.Instant.now().minusMillis(1);
                for (int i = 0; i < BULK_MAILS; i++) {
                    send(server, "someone@inbound.localhost", bulk + "-" + i);
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> deliveriesOf(main, bulk).size() == BULK_MAILS);
                bulkUntil = java.time.Instant.now().plusMillis(1);
                assertThat(health(server)).isEqualTo("healthy");
                // the server's main binds the check on ActiveMQ's own dead-letter queue next to James' checks
                assertThat(JSON.readTree(http(server, "GET", "/healthcheck/checks/mailhook-activemq-dlq", null).body())
                    .path("status").asText()).isEqualTo("healthy");
                assertThat(http(server, "GET", "/metrics", null).body()).contains("mailhook_mails_accepted_total " + (2 + BULK_MAILS) + ".0");
            }
            // One archived document made to read like an older parser's: revision 1 says "REPARSE-…" where the mail says "reparse-…".
            assertThat(rewriteArchivedDocument(data, reparsed, reparsed.toUpperCase(java.util.Locale.ROOT)))
                .isEqualTo(1);
            assertThat(rewriteArchivedDocument(data, bulk, bulk.toUpperCase(java.util.Locale.ROOT))).isEqualTo(BULK_MAILS);
            String range = "since=" + bulkSince + "&until=" + bulkUntil;
            Map<String, String> withCanary = Map.of("MAILHOOK_CANARY", "true", "MAILHOOK_CANARY_INTERVAL", "2s");
            try (ServerProcess restarted = ServerProcess.mailhook(data, main.url(), SECRET, withCanary).start()) {
                awaitWebAdmin(restarted);
                assertThat(http(restarted, "GET", "/mailhook/addresses", null).body()).contains(address);
                String after = "after-restart-" + UUID.randomUUID();
                send(restarted, address, after);
                await().atMost(Duration.ofSeconds(30)).until(() -> instant.deliveries().stream().anyMatch(d -> d.body().contains(after)));
                RecordingReceiver.Delivery delivery = instant.deliveries().stream().filter(d -> d.body().contains(after)).findFirst().orElseThrow();
                assertThat(delivery.signatureValid()).as(delivery.verifyError()).isTrue();
                assertThat(main.deliveries()).noneMatch(d -> d.body().contains(after));
                // The archive kept the mail from before the restart.
                JsonNode page = JSON.readTree(http(restarted, "GET", "/mailhook/messages?limit=10", null).body());
                assertThat(page.path("messages").findValuesAsText("subject")).contains(before);
                // The delivery acknowledged before the restart is listed as delivered and replays with its webhook-id.
                JsonNode delivered = JSON.readTree(http(restarted, "GET", "/mailhook/deliveries?status=delivered", null).body());
                JsonNode entry = java.util.stream.StreamSupport.stream(delivered.path("deliveries").spliterator(), false)
                    .filter(d -> d.path("subject").asText().equals(before)).findFirst().orElseThrow();
                assertThat(entry.path("status").asText()).isEqualTo("delivered");
                assertThat(entry.path("lastStatus").asInt()).isEqualTo(204);
                String webhookId = entry.path("webhookId").asText();
                HttpResponse<String> replay = http(restarted, "POST",
                    "/mailhook/deliveries/delivered/" + entry.path("key").asText() + "/redeliver", null);
                assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(30)).until(() -> main.deliveries().stream().filter(d -> d.body().contains(before)).count() == 2);
                assertThat(main.deliveries().stream().filter(d -> d.body().contains(before)))
                    .allSatisfy(d -> {
                        assertThat(d.webhookId()).isEqualTo(webhookId);
                        assertThat(d.signatureValid()).as(d.verifyError()).isTrue();
                    });
                reparse(restarted, main, reparsed, webhookId, bulkSince);
                // The canary (extensions.properties startable) probes SMTP → archive; its mail never reaches the webhook.
                await().atMost(Duration.ofSeconds(60)).until(() ->
                    http(restarted, "GET", "/metrics", null).body().lines().anyMatch(l -> l.matches("mailhook_canary_seen_total [1-9].*")));
                assertThat(main.deliveries()).noneMatch(d -> d.body().contains("mailhook canary"));
                assertThat(updates(main)).as("the unchanged reparse sent nothing, however long we wait: the event and its replay")
                    .hasSize(2).extracting(RecordingReceiver.Delivery::webhookId).containsOnly(updates(main).get(0).webhookId());

                // A bulk reparse of the rewritten mails, and kill -9 while it runs.
                HttpResponse<String> submitted = http(restarted, "POST", "/mailhook/messages/reparse?" + range + "&background=true", null);
                assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
                restarted.kill9();
            }
            JsonNode atKill = checkpoint(data, bulkSince);
            assertThat(atKill.path("state").asText()).isEqualTo("running");
            assertThat(atKill.path("counts").path("reparsed").asLong()).as("killed in the middle").isLessThan(BULK_MAILS);
            try (ServerProcess again = ServerProcess.mailhook(data, main.url(), SECRET, Map.of()).start()) {
                awaitWebAdmin(again);
                // resumed at start (ReparseResumer) as a new task, which goes on after the checkpoint
                await().atMost(Duration.ofSeconds(60)).until(() -> "done".equals(checkpoint(data, bulkSince).path("state").asText()));
                JsonNode tasks = JSON.readTree(http(again, "GET", "/tasks?status=completed", null).body());
                JsonNode resumed = java.util.stream.StreamSupport.stream(tasks.spliterator(), false)
                    .filter(t -> t.path("type").asText().equals("mailhook-reparse")).findFirst().orElseThrow();
                JsonNode counts = JSON.readTree(http(again, "GET", "/tasks/" + resumed.path("taskId").asText(), null).body())
                    .path("additionalInformation");
                assertThat(counts.path("reparsed").asLong()).as(counts.toString()).isEqualTo(BULK_MAILS);
                assertThat(counts.path("changed").asLong()).as(counts.toString()).isEqualTo(BULK_MAILS);
                assertThat(counts.path("unchanged").asLong() + counts.path("skipped").asLong()).as(counts.toString()).isZero();
                assertThat(counts.path("events").asLong()).as(counts.toString()).isEqualTo(BULK_MAILS);
                // one message.updated per mail: none lost, none twice
                await().atMost(Duration.ofSeconds(30)).until(() -> updatesOf(main, bulk).size() >= BULK_MAILS);
                Thread.sleep(3000);
                List<RecordingReceiver.Delivery> events = updatesOf(main, bulk);
                assertThat(events).hasSize(BULK_MAILS);
                assertThat(events.stream().map(RecordingReceiver.Delivery::webhookId).distinct()).hasSize(BULK_MAILS);
                assertThat(events).allSatisfy(d -> assertThat(d.signatureValid()).as(d.verifyError()).isTrue());
                JsonNode page = JSON.readTree(http(again, "GET", "/mailhook/messages?limit=1000&" + range, null).body());
                assertThat(page.path("messages")).hasSize(BULK_MAILS)
                    .allSatisfy(m -> assertThat(m.path("revision").asInt()).isEqualTo(2));
            }
        }
    }

    /**
     * Reparse (docs/operations.md#reparse) of the mail whose stored document an "older parser" made: revision 2
     * with the difference, one signed message.updated with the same idempotency key and a webhook-id of its own;
     * reparsing again changes nothing and sends nothing.
     */
    private static void reparse(ServerProcess server, RecordingReceiver receiver, String subject, String originalWebhookIdOfAnother,
                                java.time.Instant until) throws Exception {
        RecordingReceiver.Delivery original = receiver.deliveries().stream().filter(d -> d.body().contains(subject)).findFirst().orElseThrow();
        String mailhookId = JSON.readTree(original.body()).path("id").asText();
        JsonNode stored = JSON.readTree(http(server, "GET", "/mailhook/messages/" + mailhookId, null).body());
        assertThat(stored.path("subject").asText()).isEqualTo(subject.toUpperCase(java.util.Locale.ROOT));
        assertThat(stored.has("revision")).isFalse();

        HttpResponse<String> first = http(server, "POST", "/mailhook/messages/" + mailhookId + "/reparse", null);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        JsonNode outcome = JSON.readTree(first.body());
        assertThat(outcome.path("changed").asBoolean()).isTrue();
        assertThat(outcome.path("revision").asInt()).isEqualTo(2);
        assertThat(outcome.path("differences").toString()).contains("\"subject\"", "\"messageId\"");
        assertThat(outcome.path("notified").toString()).isEqualTo("[\"default\"]");

        await().atMost(Duration.ofSeconds(30)).until(() -> updates(receiver).size() == 1);
        RecordingReceiver.Delivery update = updates(receiver).get(0);
        assertThat(update.signatureValid()).as(update.verifyError()).isTrue();
        assertThat(update.webhookId()).isNotEqualTo(original.webhookId()).isNotEqualTo(originalWebhookIdOfAnother).startsWith("msg_");
        JsonNode event = JSON.readTree(update.body());
        assertThat(event.path("event").asText()).isEqualTo("message.updated");
        assertThat(event.path("id").asText()).isEqualTo(mailhookId);
        assertThat(event.path("revision").asInt()).isEqualTo(2);
        assertThat(event.path("subject").asText()).isEqualTo(subject);
        assertThat(event.path("route").path("endpoint").asText()).isEqualTo("default");

        // Replaying the event's delivered record sends that event again (same webhook-id, revision 2), not revision 1.
        await().atMost(Duration.ofSeconds(30)).until(() -> deliveredKey(server, update.webhookId()).isPresent());
        HttpResponse<String> replay = http(server, "POST",
            "/mailhook/deliveries/delivered/" + deliveredKey(server, update.webhookId()).orElseThrow() + "/redeliver", null);
        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> updates(receiver).size() == 2);
        RecordingReceiver.Delivery replayed = updates(receiver).get(1);
        assertThat(replayed.webhookId()).isEqualTo(update.webhookId());
        assertThat(JSON.readTree(replayed.body()).path("revision").asInt()).isEqualTo(2);
        assertThat(JSON.readTree(replayed.body()).path("subject").asText()).isEqualTo(subject);

        // The pull API serves the latest revision with its number; revision 1 stays retrievable.
        HttpResponse<String> latest = http(server, "GET", "/mailhook/messages/" + mailhookId, null);
        assertThat(JSON.readTree(latest.body()).path("subject").asText()).isEqualTo(subject);
        assertThat(latest.headers().firstValue("X-Mailhook-Revision")).contains("2");
        assertThat(JSON.readTree(http(server, "GET", "/mailhook/messages/" + mailhookId + "/revisions/1", null).body())
            .path("subject").asText()).isEqualTo(subject.toUpperCase(java.util.Locale.ROOT));
        JsonNode page = JSON.readTree(http(server, "GET", "/mailhook/messages?subject=" + subject + "&limit=10", null).body());
        assertThat(page.path("messages").get(0).path("revision").asInt()).isEqualTo(2);

        HttpResponse<String> again = http(server, "POST", "/mailhook/messages/" + mailhookId + "/reparse", null);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(JSON.readTree(again.body()).path("changed").asBoolean()).isFalse();
        assertThat(JSON.readTree(again.body()).path("revision").asInt()).isEqualTo(2);
        assertThat(JSON.readTree(again.body()).path("notified")).isEmpty();

        // The same over the mails archived before `until` as a background task (James' task manager): its counts add up,
        // nothing changed.
        String range = "since=2000-01-01T00:00:00Z&until=" + until;
        HttpResponse<String> submitted = http(server, "POST", "/mailhook/messages/reparse?" + range + "&background=true", null);
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
        String taskId = JSON.readTree(submitted.body()).path("taskId").asText();
        JsonNode task = JSON.readTree(http(server, "GET", "/tasks/" + taskId + "/await?timeout=30s", null).body());
        assertThat(task.path("status").asText()).as(task.toString()).isEqualTo("completed");
        assertThat(task.path("type").asText()).isEqualTo("mailhook-reparse");
        JsonNode counts = task.path("additionalInformation");
        int archived = JSON.readTree(http(server, "GET", "/mailhook/messages?limit=1000&" + range, null).body()).path("messages").size();
        assertThat(counts.path("reparsed").asLong() + counts.path("skipped").asLong()).as(counts.toString()).isEqualTo(archived);
        assertThat(counts.path("changed").asLong()).as(counts.toString()).isZero();
        assertThat(counts.path("events").asLong()).isZero();
    }

    private static java.util.Optional<String> deliveredKey(ServerProcess server, String webhookId) throws Exception {
        JsonNode delivered = JSON.readTree(http(server, "GET", "/mailhook/deliveries?status=delivered&limit=1000", null).body());
        return java.util.stream.StreamSupport.stream(delivered.path("deliveries").spliterator(), false)
            .filter(d -> d.path("webhookId").asText().equals(webhookId)).map(d -> d.path("key").asText()).findFirst();
    }

    private static List<RecordingReceiver.Delivery> deliveriesOf(RecordingReceiver receiver, String subject) {
        return receiver.deliveries().stream().filter(d -> d.body().contains(subject)).toList();
    }

    private static List<RecordingReceiver.Delivery> updatesOf(RecordingReceiver receiver, String subject) {
        return updates(receiver).stream().filter(d -> d.body().contains(subject)).toList();
    }

    /** The bulk reparse checkpoint of the range starting at {@code since} (docs/operations.md#bulk-reparse-a-background-task). */
    private static JsonNode checkpoint(Path data, java.time.Instant since) throws Exception {
        List<JsonNode> checkpoints = new java.util.ArrayList<>();
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(data.resolve("var/mailhook/reparse"))) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).toList()) {
                JsonNode checkpoint = JSON.readTree(java.nio.file.Files.readString(file));
                if (checkpoint.path("since").asText().equals(since.toString())) {
                    checkpoints.add(checkpoint);
                }
            }
        }
        assertThat(checkpoints).hasSize(1);
        return checkpoints.get(0);
    }

    private static List<RecordingReceiver.Delivery> updates(RecordingReceiver receiver) {
        return receiver.deliveries().stream().filter(d -> d.body().contains("\"event\":\"message.updated\"")).toList();
    }

    /**
     * Rewrites, in the stopped server's archive, the stored attributes (the JSON document among them) of the mail that
     * mentions {@code from}, replacing it by {@code to} of the same length; the raw MIME stays as received. The
     * archive's records are sealed with the server key (docs/security.md#mail-at-rest), so they are opened and
     * written again through the store engine with that key; only the head changes.
     * @return how many records were rewritten
     */
    private static int rewriteArchivedDocument(Path data, String from, String to) throws Exception {
        assertThat(to).hasSameSizeAs(from);
        org.mailhook.store.RecordFiles archive = org.mailhook.store.RecordFiles.open(data.resolve("var/mail/archive"), true,
            java.util.Optional.of(org.mailhook.store.RecordKeys.read(List.of(data.resolve("conf/server.key")))));
        int rewritten = 0;
        for (java.util.Iterator<String> keys = archive.keys(); keys.hasNext(); ) {
            org.mailhook.store.RecordFiles.Record record = archive.get(keys.next()).orElseThrow();
            String head = new String(record.head(), java.nio.charset.StandardCharsets.UTF_8);
            if (head.contains(from)) {
                archive.put(record.key(), head.replace(from, to).getBytes(java.nio.charset.StandardCharsets.UTF_8), record.body());
                rewritten++;
            }
        }
        return rewritten;
    }

    /** SMTP may open a moment before WebAdmin. */
    private static void awaitWebAdmin(ServerProcess server) {
        await().atMost(Duration.ofSeconds(60)).until(() -> ServerProcess.listening(server.webadminPort()));
    }

    private static void send(ServerProcess server, String to, String subject) throws Exception {
        assertThat(SmtpClient.send(server.smtpPort(), "sender@example.org", to,
            "Subject: " + subject + "\r\nMessage-ID: <" + subject + "@example.org>\r\n\r\nbody\r\n")).startsWith("250");
    }

    private static String health(ServerProcess server) throws Exception {
        return JSON.readTree(http(server, "GET", "/healthcheck/checks/mailhook-dead-letters", null).body()).path("status").asText();
    }

    private static HttpResponse<String> http(ServerProcess server, String method, String path, String body) throws Exception {
        return server.webadmin(method, path, body);
    }
}
