package org.mailhook.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.crypto.KeyFiles;

class SealedRecordFilesTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String HEAD = "{\"sender\":\"alice@example.org\",\"state\":\"root\"}";
    private static final String BODY = "Subject: quarterly secrets\r\n\r\nthe distinctive body text\r\n";

    @TempDir
    Path directory;

    private static byte[] key() {
        return Base64.getUrlDecoder().decode(KeyFiles.generate(RANDOM));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean contains(byte[] haystack, String needle) {
        return new String(haystack, StandardCharsets.ISO_8859_1).contains(needle);
    }

    private RecordFiles open(byte[]... keys) throws IOException {
        return RecordFiles.open(directory, false, Optional.of(RecordKeys.of(List.of(keys))));
    }

    @Test
    void aSealedRecordReadsBackWhileItsFileShowsOnlyTheKeyAndTheKeyId() throws IOException {
        byte[] k1 = key();
        RecordFiles files = open(k1);
        files.put("mail-1", bytes(HEAD), bytes(BODY));
        files.put("empty", new byte[0], new byte[0]);

        RecordFiles.Record read = open(k1).get("mail-1").orElseThrow();
        assertThat(read.key()).isEqualTo("mail-1");
        assertThat(new String(read.head(), StandardCharsets.UTF_8)).isEqualTo(HEAD);
        assertThat(new String(read.body(), StandardCharsets.UTF_8)).isEqualTo(BODY);
        assertThat(files.get("empty").orElseThrow().body()).isEmpty();

        byte[] file = Files.readAllBytes(directory.resolve("mail-1.rec"));
        String id = RecordKeys.of(List.of(k1)).current().id();
        assertThat(files.sealingKeyId()).contains(id);
        assertThat(id).matches("[0-9a-f]{16}");
        assertThat(contains(file, "MHREC2\n")).isTrue();
        assertThat(contains(file, "mail-1")).as("the key stays in clear: listing never opens a record").isTrue();
        assertThat(contains(file, id)).as("the key id is stored beside the record").isTrue();
        for (String secret : List.of("alice", "quarterly", "distinctive", "root")) {
            assertThat(contains(file, secret)).as(secret).isFalse();
        }
        files.put("mail-2", bytes(HEAD), bytes(BODY));
        assertThat(Files.readAllBytes(directory.resolve("mail-2.rec"))).as("a fresh nonce per record")
            .isNotEqualTo(Files.readAllBytes(directory.resolve("mail-1.rec")));
    }

    @Test
    void anyChangedByteIsAClearErrorNeverAnotherRecord() throws IOException {
        RecordFiles files = open(key());
        files.put("m", bytes(HEAD), bytes(BODY));
        Path file = directory.resolve("m.rec");
        byte[] original = Files.readAllBytes(file);
        // in the head's tag, the body's ciphertext, the body's tag (the last byte)
        for (int at : new int[] {original.length - BODY.length() - 30, original.length - 20, original.length - 1}) {
            byte[] changed = original.clone();
            changed[at] ^= 1;
            Files.write(file, changed);
            assertThatThrownBy(() -> files.get("m")).isInstanceOf(IOException.class)
                .hasMessageContaining("m.rec").hasMessageContaining("does not open");
        }
    }

    @Test
    void aFileCopiedUnderAnotherNameDoesNotOpen() throws IOException {
        RecordFiles files = open(key());
        files.put("first", bytes(HEAD), bytes(BODY));
        files.put("other", bytes("{}"), bytes("Subject: other\r\n\r\n"));
        Files.copy(directory.resolve("first.rec"), directory.resolve("other.rec"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> files.get("other")).isInstanceOf(IOException.class).hasMessageContaining("other.rec");

        // The key in the file rewritten too (same length): the associated data still names the file's own key.
        byte[] moved = Files.readAllBytes(directory.resolve("other.rec"));
        String text = new String(moved, StandardCharsets.ISO_8859_1).replaceFirst("first", "other");
        Files.write(directory.resolve("other.rec"), text.getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> files.get("other")).isInstanceOf(IOException.class).hasMessageContaining("does not open");
    }

    @Test
    void afterARotationOldRecordsOpenWithTheOldKeyAndNewOnesTakeTheNewKey() throws IOException {
        byte[] k1 = key();
        byte[] k2 = key();
        open(k1).put("before", bytes(HEAD), bytes(BODY));

        RecordFiles rotated = open(k2, k1);
        rotated.put("after", bytes(HEAD), bytes("after"));

        assertThat(new String(rotated.get("before").orElseThrow().body(), StandardCharsets.UTF_8)).isEqualTo(BODY);
        assertThat(new String(rotated.get("after").orElseThrow().body(), StandardCharsets.UTF_8)).isEqualTo("after");
        String id1 = RecordKeys.of(List.of(k1)).current().id();
        String id2 = RecordKeys.of(List.of(k2)).current().id();
        assertThat(id1).isNotEqualTo(id2);
        assertThat(contains(Files.readAllBytes(directory.resolve("before.rec")), id1)).isTrue();
        assertThat(contains(Files.readAllBytes(directory.resolve("after.rec")), id2)).isTrue();
        assertThat(rotated.sealingKeyId()).contains(id2);
    }

    @Test
    void aRecordWhoseKeyIsNotConfiguredIsAnErrorNamingTheKeyId() throws IOException {
        byte[] k1 = key();
        open(k1).put("m", bytes(HEAD), bytes(BODY));
        String id1 = RecordKeys.of(List.of(k1)).current().id();

        assertThatThrownBy(() -> open(key()).get("m")).isInstanceOf(IOException.class)
            .hasMessageContaining("m.rec").hasMessageContaining(id1).hasMessageContaining("not among the configured keys");
        assertThatThrownBy(() -> RecordFiles.open(directory, false).get("m")).isInstanceOf(IOException.class)
            .hasMessageContaining(id1).hasMessageContaining("no storage key is configured");
    }

    @Test
    void plainRecordsStayReadableAndListingIsUnchanged() throws IOException {
        RecordFiles plain = RecordFiles.open(directory, false);
        plain.put("old", bytes(HEAD), bytes(BODY));
        String longKey = "y".repeat(300);
        plain.put(longKey, bytes(HEAD), new byte[0]);

        RecordFiles sealed = open(key());
        sealed.put("new", bytes(HEAD), bytes(BODY));
        sealed.put("z".repeat(300), bytes(HEAD), new byte[0]);

        assertThat(new String(sealed.get("old").orElseThrow().body(), StandardCharsets.UTF_8)).isEqualTo(BODY);
        assertThat(sealed.get(longKey).orElseThrow().head()).isEqualTo(bytes(HEAD));
        assertThat(contains(Files.readAllBytes(directory.resolve("old.rec")), "MHREC1")).isTrue();
        List<String> listed = new ArrayList<>();
        open(key()).keys().forEachRemaining(listed::add);
        assertThat(listed).as("a hashed name's key is read from the sealed file's clear prefix")
            .containsExactly("new", "old", "y".repeat(300), "z".repeat(300));
    }

    @Test
    void keyFilesThatCannotServeStopWithTheFileNamedNeverTheirContent(@TempDir Path keys) throws IOException {
        Path good = keys.resolve("good.key");
        Files.writeString(good, KeyFiles.generate(RANDOM));
        Path shortKey = keys.resolve("short.key");
        Files.writeString(shortKey, Base64.getEncoder().encodeToString(new byte[16]));
        Path text = keys.resolve("text.key");
        Files.writeString(text, "not-a-key %%%");

        assertThat(RecordKeys.read(List.of(good)).ids()).hasSize(1);
        assertThat(RecordKeys.read(List.of(good)).toString()).doesNotContain(Files.readString(good));
        assertThatThrownBy(() -> RecordKeys.read(List.of(good, shortKey))).hasMessageContaining("short.key").hasMessageContaining("at least 32");
        assertThatThrownBy(() -> RecordKeys.read(List.of(text))).hasMessageContaining("text.key").hasMessageNotContaining("%%%");
        assertThatThrownBy(() -> RecordKeys.read(List.of(keys.resolve("missing.key")))).hasMessageContaining("missing.key");
    }
}
