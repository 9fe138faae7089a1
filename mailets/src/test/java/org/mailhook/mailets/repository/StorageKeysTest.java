package org.mailhook.mailets.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.crypto.KeyFiles;
import org.mailhook.store.RecordKeys;

class StorageKeysTest {
    @Test
    void storageKeysAreTheListedFilesElseTheServerKeyElseNoneAndABadFileIsNamed(@TempDir Path dir) throws Exception {
        Path server = dir.resolve("server key");
        Files.writeString(server, KeyFiles.generate(new SecureRandom()));
        Path current = dir.resolve("storage-2.key");
        Files.writeString(current, KeyFiles.generate(new SecureRandom()));
        String serverId = RecordKeys.read(List.of(server)).current().id();
        String currentId = RecordKeys.read(List.of(current)).current().id();

        assertThat(keys(Map.of()).keys()).isEmpty();
        assertThat(keys(Map.of("secrets.keyFile", server.toString())).keys().orElseThrow().ids())
            .as("by default the server key, spaces in its path and all").containsExactly(serverId);
        Path plain = dir.resolve("old.key");
        Files.copy(server, plain);
        assertThat(keys(Map.of("secrets.keyFile", server.toString(), "storage.keyFiles", current + "," + plain)).keys().orElseThrow().ids())
            .as("the current first, then the older").containsExactly(currentId, serverId);

        Files.writeString(dir.resolve("short.key"), Base64.getEncoder().encodeToString(new byte[8]));
        assertThatThrownBy(() -> keys(Map.of("storage.keyFiles", current + "," + dir.resolve("short.key"))))
            .hasMessageContaining("mailhook.properties").hasMessageContaining("storage.keyFiles").hasMessageContaining("short.key")
            .hasMessageNotContaining(Files.readString(current));
        assertThatThrownBy(() -> keys(Map.of("storage.keyFiles", dir.resolve("missing.key").toString())))
            .hasMessageContaining("storage.keyFiles").hasMessageContaining("missing.key");
        assertThatThrownBy(() -> keys(Map.of("secrets.keyFile", dir.resolve("short.key").toString())))
            .hasMessageContaining("mailhook.properties: secrets.keyFile").hasMessageContaining("short.key");
    }

    private static StorageKeys keys(Map<String, String> keys) {
        return new StorageKeys(new HashMap<>(keys)::get);
    }
}
