package org.mailhook.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.crypto.KeyFiles;
import org.mailhook.store.RecordKeys;
import org.mailhook.testing.RecordingReceiver;
import org.mailhook.testing.SmtpClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Mail at rest on the assembled server: sealed by default with a key derived from the generated server
 * key, served in clear by the pull API, absent from every file of the {@code mailhook://} repositories in
 * every form (subject, body, attachment, their base64); after a rotation the old mail is still served and
 * new records carry the new key's id.
 */
class EncryptionAtRestIT {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void mailIsSealedInEveryRepositoryServedInClearAndSurvivesAKeyRotation(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        String marker = UUID.randomUUID().toString().replace("-", "");
        String subject = "atrest-subject-" + marker;
        String body = "atrest-body-" + marker;
        String attachment = ("atrest-attachment-" + marker + "\r\n").repeat(20);
        String oldId;
        String oldMessageId;
        List<Path> before;
        try (RecordingReceiver receiver = new RecordingReceiver(SECRET);
             ServerProcess server = ServerProcess.mailhook(data, receiver.url(), SECRET, Map.of()).start()) {
            receiver.respondWith(n -> 204);
            JsonNode delivered = send(server, receiver, subject, body, attachment);
            oldMessageId = delivered.path("id").asText();
            String partId = delivered.path("attachments").get(0).path("partId").asText();

            // Served in clear: the pull API's page, the raw MIME, the attachment.
            await().atMost(Duration.ofSeconds(30)).until(() -> get(server, "/mailhook/messages?limit=50").contains(subject));
            assertThat(get(server, "/mailhook/messages/" + oldMessageId + "/raw")).contains(subject).contains(body);
            assertThat(get(server, "/mailhook/messages/" + oldMessageId + "/attachments/" + partId)).isEqualTo(attachment);
        }
        oldId = RecordKeys.read(List.of(data.resolve("conf/server.key"))).current().id();

        List<String> forms = forms(subject, body, attachment);
        List<Path> records = files(data.resolve("var/mail"));
        assertThat(records).as("the archive and the delivered record at least").anyMatch(f -> f.toString().contains("/archive/"))
            .anyMatch(f -> f.toString().contains("/mailhook-delivered/"));
        for (Path record : records) {
            String text = Files.readString(record, StandardCharsets.ISO_8859_1);
            for (String form : forms) {
                assertThat(text).as(record + " holds " + form).doesNotContain(form);
            }
            assertThat(keyIdOf(record)).as(record.toString()).isEqualTo(oldId);
        }
        // Left out, and said in docs/security.md#mail-at-rest: James' ActiveMQ queues (the spool and the webhook
        // queue), whose KahaDB journal keeps each queued mail's attributes (the JSON document among them) in
        // clear, and whose blob-transfer files hold the MIME while it is queued. Every other file under var/:
        for (Path file : files(data.resolve("var"))) {
            if (file.startsWith(data.resolve("var/mail")) || file.startsWith(data.resolve("var/store/activemq/brokers/KahaDB"))
                || file.startsWith(data.resolve("var/store/activemq/blob-transfer"))) {
                continue;
            }
            String text = Files.readString(file, StandardCharsets.ISO_8859_1);
            for (String form : forms) {
                assertThat(text).as(file + " holds " + form).doesNotContain(form);
            }
        }
        before = records;

        // Rotation: a new current key, the server key kept as the older one.
        Path newKey = dir.resolve("storage-2.key");
        Files.writeString(newKey, KeyFiles.generate(new SecureRandom()));
        String newId = RecordKeys.read(List.of(newKey)).current().id();
        assertThat(newId).isNotEqualTo(oldId);
        Map<String, String> rotated = new HashMap<>();
        rotated.put("MAILHOOK_STORAGE_KEY_FILES", newKey + "," + data.resolve("conf/server.key"));
        String subject2 = "atrest-after-rotation-" + marker;
        try (RecordingReceiver receiver = new RecordingReceiver(SECRET);
             ServerProcess server = ServerProcess.mailhook(data, receiver.url(), SECRET, rotated).start()) {
            receiver.respondWith(n -> 204);
            assertThat(get(server, "/mailhook/messages/" + oldMessageId + "/raw")).as("the old mail, sealed with the old key")
                .contains(subject).contains(body);
            String newMessageId = send(server, receiver, subject2, "after the rotation", "new attachment\r\n").path("id").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> get(server, "/mailhook/messages?limit=50").contains(subject2));
            assertThat(get(server, "/mailhook/messages/" + newMessageId + "/raw")).contains(subject2);
        }
        List<Path> after = files(data.resolve("var/mail"));
        List<Path> written = after.stream().filter(f -> !before.contains(f)).toList();
        assertThat(written).as("records written after the rotation").anyMatch(f -> f.toString().contains("/archive/"));
        for (Path record : after) {
            assertThat(keyIdOf(record)).as(record.toString()).isEqualTo(written.contains(record) ? newId : oldId);
        }
    }

    @Test
    void aStorageKeyFileThatCannotServeStopsStartupNamingTheFileAndTheKey(@TempDir Path dir) throws Exception {
        Path shortKey = dir.resolve("short-storage.key");
        String content = Base64.getEncoder().encodeToString("sixteen byte key".getBytes(StandardCharsets.US_ASCII));
        Files.writeString(shortKey, content);
        ServerProcess server = ServerProcess.mailhook(dir.resolve("data"), "http://127.0.0.1:9/webhook", SECRET,
            Map.of("MAILHOOK_STORAGE_KEY_FILES", shortKey.toString()));
        assertThat(server.runToExit(Duration.ofMinutes(3))).isNotZero();
        assertThat(server.output()).contains("mailhook.properties: storage.keyFiles: " + shortKey + ": the key has 16 bytes")
            .doesNotContain(content).doesNotContain("sixteen byte key");
    }

    private static JsonNode send(ServerProcess server, RecordingReceiver receiver, String subject, String body, String attachment)
        throws Exception {
        String mail = "From: alice@example.org\r\nSubject: " + subject + "\r\nMessage-ID: <" + subject + "@example.org>\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
            + "--b1\r\nContent-Type: text/plain\r\n\r\n" + body + "\r\n"
            + "--b1\r\nContent-Type: application/octet-stream; name=\"figures.bin\"\r\n"
            + "Content-Disposition: attachment; filename=\"figures.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + Base64.getMimeEncoder().encodeToString(attachment.getBytes(StandardCharsets.US_ASCII)) + "\r\n--b1--\r\n";
        assertThat(SmtpClient.send(server.smtpPort(), "alice@example.org", "orders@inbound.localhost", mail)).startsWith("250");
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.deliveries().stream().anyMatch(d -> d.body().contains(subject)));
        RecordingReceiver.Delivery delivery = receiver.deliveries().stream().filter(d -> d.body().contains(subject)).findFirst().orElseThrow();
        assertThat(delivery.signatureValid()).as(delivery.verifyError()).isTrue();
        return JSON.readTree(delivery.body());
    }

    /**
     * Each text and its base64 at each of the three alignments it can take inside a longer base64 run
     * (only whole three-byte groups, which encode the same wherever they stand).
     */
    private static List<String> forms(String... texts) {
        List<String> forms = new ArrayList<>();
        for (String text : texts) {
            String line = text.lines().findFirst().orElseThrow();
            forms.add(line);
            for (int shift = 0; shift < 3; shift++) {
                int whole = (line.length() - shift) / 3 * 3;
                forms.add(Base64.getEncoder().withoutPadding()
                    .encodeToString(line.substring(shift, shift + whole).getBytes(StandardCharsets.US_ASCII)));
            }
        }
        return forms;
    }

    /** The key id a record file names ({@code MHREC2}), or "clear" for a plain one. */
    private static String keyIdOf(Path record) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(record));
        byte[] magic = new byte[7];
        in.get(magic);
        if (!new String(magic, StandardCharsets.US_ASCII).equals("MHREC2\n")) {
            return "clear";
        }
        int keyLength = in.getInt();
        in.position(in.position() + keyLength);
        byte[] id = new byte[in.get()];
        in.get(id);
        return new String(id, StandardCharsets.US_ASCII);
    }

    private static List<Path> files(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static String get(ServerProcess server, String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.webadminPort() + path))
            .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return response.body();
    }
}
