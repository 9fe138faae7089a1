package org.mailhook.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordFilesTest {
    @TempDir
    Path directory;

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void storesReplacesListsInOrderAndRemoves() throws IOException {
        RecordFiles files = RecordFiles.open(directory, true);
        files.put("a2", bytes("{\"n\":2}"), bytes("Subject: two\r\n\r\nbody"));
        files.put("a1", bytes("{\"n\":1}"), bytes("Subject: one\r\n\r\n"));
        files.put("a2", bytes("{\"n\":3}"), bytes("Subject: three\r\n\r\n"));

        assertThat(files.size()).isEqualTo(2);
        assertThat(List.of(files.keys().next())).containsExactly("a1");
        assertThat(files.keysAfter("")).toIterable().containsExactly("a1", "a2");
        assertThat(files.keysAfter("a1")).toIterable().containsExactly("a2");
        assertThat(files.keysAfter("a2")).toIterable().isEmpty();
        RecordFiles.Record a2 = files.get("a2").orElseThrow();
        assertThat(new String(a2.head(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":3}");
        assertThat(new String(a2.body(), StandardCharsets.UTF_8)).isEqualTo("Subject: three\r\n\r\n");
        assertThat(files.remove("a2")).isTrue();
        assertThat(files.remove("a2")).isFalse();
        assertThat(files.get("a2")).isEmpty();
        assertThat(files.get("never")).isEmpty();
    }

    @Test
    void anyKeyIsOneFileAndSurvivesReopening() throws IOException {
        List<String> keys = List.of("../../etc/passwd", ".hidden", "Mail1702-7f3e!a@b/c", "ünïcode key", "x".repeat(500), "%41");
        RecordFiles files = RecordFiles.open(directory, false);
        for (String key : keys) {
            files.put(key, bytes(key), new byte[0]);
        }
        Files.writeString(directory.resolve(".tmp-left-by-a-crash"), "half");

        RecordFiles reopened = RecordFiles.open(directory, false);
        List<String> listed = new ArrayList<>();
        reopened.keys().forEachRemaining(listed::add);

        assertThat(listed).containsExactlyInAnyOrderElementsOf(keys);
        for (String key : keys) {
            assertThat(new String(reopened.get(key).orElseThrow().head(), StandardCharsets.UTF_8)).isEqualTo(key);
        }
        try (var entries = Files.list(directory)) {
            assertThat(entries.map(p -> p.getFileName().toString()))
                .hasSize(keys.size())
                .allMatch(name -> name.endsWith(".rec") && !name.contains("/") && !name.startsWith("."));
        }
        assertThat(directory.getParent().resolve("etc")).doesNotExist();
    }

    @Test
    void concurrentWritersOfOneKeyLeaveOneWholeRecord() throws Exception {
        RecordFiles files = RecordFiles.open(directory, false);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> writes = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String body = ("body " + i + " ").repeat(1_000);
            writes.add(pool.submit(() -> {
                files.put("same", bytes(body.substring(0, 12)), bytes(body));
                return files.get("same").orElseThrow();
            }));
        }
        for (Future<?> write : writes) {
            RecordFiles.Record read = (RecordFiles.Record) write.get();
            // whatever write won, head and body belong together: never half of one and half of another
            assertThat(new String(read.body(), StandardCharsets.UTF_8)).startsWith(new String(read.head(), StandardCharsets.UTF_8));
        }
        pool.shutdown();
        assertThat(files.size()).isEqualTo(1);
        try (var entries = Files.list(directory)) {
            assertThat(entries.count()).isEqualTo(1);
        }
    }

    @Test
    void aFileThatIsNotARecordIsADamagedRecordNotAnotherOne() throws IOException {
        RecordFiles files = RecordFiles.open(directory, false);
        files.put("k", bytes("h"), bytes("b"));
        Files.write(directory.resolve("k.rec"), bytes("garbage"));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> files.get("k"))
            .isInstanceOf(IOException.class).hasMessageContaining("k.rec");
    }
}
