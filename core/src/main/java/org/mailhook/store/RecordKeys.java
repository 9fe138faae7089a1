package org.mailhook.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.crypto.SecretKey;

import org.mailhook.crypto.AesGcm;
import org.mailhook.crypto.KeyFiles;

/**
 * The keys record files are sealed with: the current one seals every new record, the older ones only
 * open records written before a rotation. A key comes from a key file ({@link KeyFiles}); the AES key and
 * the key's id are both derived from it with their own labels, so the id (stored in clear in each
 * record) says which key a record needs without saying anything about the key, and the same file (the
 * server key) can serve here and elsewhere without one use's key being another's.
 */
public final class RecordKeys {
    /** Sixteen hex digits: enough that two keys of one keyring never share an id by chance. */
    private static final int ID_BYTES = 8;

    /** One key: its id, as stored beside each record it sealed, and the AES-256 key. toString shows the id only. */
    public record Key(String id, SecretKey aes) {
        @Override
        public String toString() {
            return "RecordKeys.Key[" + id + "]";
        }
    }

    private final Key current;
    private final Map<String, Key> byId;

    private RecordKeys(List<Key> keys) {
        this.current = keys.get(0);
        this.byId = new LinkedHashMap<>();
        keys.forEach(key -> byId.putIfAbsent(key.id(), key));
    }

    /**
     * @param keys key file contents (32 bytes or more each): the current key first, then the older ones
     */
    public static RecordKeys of(List<byte[]> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a keyring needs at least its current key");
        }
        List<Key> derived = new ArrayList<>();
        for (byte[] key : keys) {
            KeyFiles.checkLength(key);
            String id = HexFormat.of().formatHex(KeyFiles.derive(key, "mailhook record key id v1"), 0, ID_BYTES);
            derived.add(new Key(id, AesGcm.key(KeyFiles.derive(key, "mailhook record storage v1"))));
        }
        return new RecordKeys(derived);
    }

    /**
     * Reads key files: the current one first, then the older ones.
     *
     * @throws IllegalArgumentException naming the file that is missing, unreadable, not base64 or too short
     */
    public static RecordKeys read(List<Path> files) {
        return of(files.stream().map(KeyFiles::read).toList());
    }

    /** The key new records are sealed with. */
    public Key current() {
        return current;
    }

    /** The key with this id, current or older. */
    public Optional<Key> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** Every key id, the current first. */
    public List<String> ids() {
        return List.copyOf(byId.keySet());
    }

    @Override
    public String toString() {
        return "RecordKeys" + ids();
    }
}
