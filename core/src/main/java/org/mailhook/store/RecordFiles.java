package org.mailhook.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListSet;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;

import org.mailhook.crypto.AesGcm;

/**
 * Records in a directory, one file each: a small head (what the caller needs to list and describe the
 * record) and a body (the raw MIME), written in one sequential write. This replaces James'
 * {@code FileMailRepository}, which writes two files per mail, Java-serializes every attribute and parses
 * the message before storing it.
 *
 * <p>A write goes to a temporary file that is then renamed over the record, so a reader sees the old
 * record or the new one, never half of one; with {@code fsync} the file and the directory are forced to
 * disk before {@link #put} returns, so a record survives a power loss once it is acknowledged. The keys are
 * held in memory (read from the file names at {@link #open}), sorted: listing never touches the disk.
 * One instance per directory: the keys are only right while no other writer uses it.
 *
 * <p>Opened with {@link RecordKeys}, records are sealed: head and body each encrypted with AES-256-GCM
 * (a random nonce each) under the keyring's current key, whose id is stored in clear beside them. The
 * associated data binds each part to the record's key and the key id, so a file copied under another
 * name, a head swapped with another record's, or any changed byte fails to open rather than reads as
 * another record. The record key stays in clear, in the name and in the file: listing and the pull API's
 * paging never open a record. Plain records ({@code MHREC1}) stay readable, so sealing can be turned on
 * over an existing directory; every record written after that is sealed.
 *
 * <pre>
 * MHREC1\n  int keyLength, key, int headLength, head, body
 * MHREC2\n  int keyLength, key, byte idLength, key id, nonce, int sealedHeadLength, sealed head, nonce, sealed body
 * </pre>
 */
public final class RecordFiles {
    private static final byte[] MAGIC = "MHREC1\n".getBytes(StandardCharsets.US_ASCII);
    /** Same length as {@link #MAGIC}: the key sits at the same offset in both, where {@link #keyOf} reads it. */
    private static final byte[] SEALED_MAGIC = "MHREC2\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte HEAD_PART = 'h';
    private static final byte BODY_PART = 'b';
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SUFFIX = ".rec";
    private static final String TEMPORARY_PREFIX = ".tmp-";
    private static final String HASHED_PREFIX = "#";
    /** File names stay well under the 255 bytes most file systems allow; longer keys are named by their hash. */
    private static final int MAX_PLAIN_NAME = 200;

    /** What a record holds: its key, its head and its body. */
    public record Record(String key, byte[] head, byte[] body) {
    }

    private final Path directory;
    private final boolean fsync;
    private final Optional<RecordKeys> sealing;
    private final ConcurrentSkipListSet<String> keys = new ConcurrentSkipListSet<>();

    private RecordFiles(Path directory, boolean fsync, Optional<RecordKeys> sealing) {
        this.directory = directory;
        this.fsync = fsync;
        this.sealing = sealing;
    }

    /** Opens the directory with records written in clear (sealed ones still need their key to be read). */
    public static RecordFiles open(Path directory, boolean fsync) throws IOException {
        return open(directory, fsync, Optional.empty());
    }

    /**
     * Opens (creating it if needed) the directory, drops unfinished writes and reads the keys.
     *
     * @param sealing the keys records are sealed with; empty: new records are written in clear
     */
    public static RecordFiles open(Path directory, boolean fsync, Optional<RecordKeys> sealing) throws IOException {
        Files.createDirectories(directory);
        RecordFiles files = new RecordFiles(directory, fsync, sealing);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith(TEMPORARY_PREFIX)) {
                    Files.deleteIfExists(entry);
                } else if (name.endsWith(SUFFIX)) {
                    files.keyOf(entry).ifPresent(files.keys::add);
                }
            }
        }
        return files;
    }

    public Path directory() {
        return directory;
    }

    /** Whether new records are sealed: the id of the key they are sealed with. */
    public Optional<String> sealingKeyId() {
        return sealing.map(keyring -> keyring.current().id());
    }

    /** Stores the record under {@code key}, replacing any record stored under it. */
    public void put(String key, byte[] head, byte[] body) throws IOException {
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        if (sealing.isPresent()) {
            write(key, sealed(keyBytes, head, body, sealing.get().current()));
            return;
        }
        ByteBuffer prefix = ByteBuffer.allocate(MAGIC.length + 8 + keyBytes.length)
            .put(MAGIC).putInt(keyBytes.length).put(keyBytes).putInt(head.length);
        prefix.flip();
        write(key, prefix, ByteBuffer.wrap(head), ByteBuffer.wrap(body));
    }

    /**
     * The sealed record file's bytes, encrypted straight into the one buffer written: the body's only
     * copy is the ciphertext.
     */
    private static ByteBuffer sealed(byte[] keyBytes, byte[] head, byte[] body, RecordKeys.Key sealingKey) {
        byte[] id = sealingKey.id().getBytes(StandardCharsets.US_ASCII);
        int headSealed = head.length + AesGcm.TAG_BYTES;
        int length = SEALED_MAGIC.length + 4 + keyBytes.length + 1 + id.length
            + AesGcm.NONCE_BYTES + 4 + headSealed + AesGcm.NONCE_BYTES + body.length + AesGcm.TAG_BYTES;
        byte[] file = new byte[length];
        ByteBuffer out = ByteBuffer.wrap(file);
        out.put(SEALED_MAGIC).putInt(keyBytes.length).put(keyBytes).put((byte) id.length).put(id);
        Cipher cipher = AesGcm.cipher();
        byte[] associated = associated(HEAD_PART, id, keyBytes);
        byte[] nonce = AesGcm.nonce(RANDOM);
        out.put(nonce).putInt(headSealed);
        out.position(out.position() + AesGcm.seal(cipher, sealingKey.aes(), nonce, associated, head, 0, head.length, file, out.position()));
        // a nonce of its own: one key and nonce never encrypt two texts
        nonce = AesGcm.nonce(RANDOM);
        out.put(nonce);
        associated[0] = BODY_PART;
        out.position(out.position() + AesGcm.seal(cipher, sealingKey.aes(), nonce, associated, body, 0, body.length, file, out.position()));
        return out.flip();
    }

    /** What each sealed part is bound to: which part it is, the key id and the record's key. */
    private static byte[] associated(byte part, byte[] id, byte[] keyBytes) {
        return ByteBuffer.allocate(2 + id.length + keyBytes.length).put(part).put((byte) id.length).put(id).put(keyBytes).array();
    }

    private void write(String key, ByteBuffer... parts) throws IOException {
        Path temporary = directory.resolve(TEMPORARY_PREFIX + UUID.randomUUID());
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long remaining = 0;
            for (ByteBuffer part : parts) {
                remaining += part.remaining();
            }
            while (remaining > 0) {
                remaining -= channel.write(parts);
            }
            if (fsync) {
                channel.force(true);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        try {
            Files.move(temporary, fileOf(key), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, fileOf(key), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        if (fsync) {
            forceDirectory();
        }
        keys.add(key);
    }

    /** The record stored under {@code key}, if any. */
    public Optional<Record> get(String key) throws IOException {
        if (!keys.contains(key)) {
            return Optional.empty();
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(fileOf(key));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        return Optional.of(parse(bytes, fileOf(key), key));
    }

    /** Removes the record; false when there was none. */
    public boolean remove(String key) throws IOException {
        boolean held = keys.remove(key);
        return Files.deleteIfExists(fileOf(key)) || held;
    }

    /** The keys, in order, as they stand when called. */
    public Iterator<String> keys() {
        return Arrays.asList(keys.toArray(String[]::new)).iterator();
    }

    /**
     * The keys after {@code cursor} (exclusive), ascending, read from the sorted set as the iteration goes:
     * a reader of one page touches that page only. Keys stored or removed meanwhile may or may not be seen.
     */
    public Iterator<String> keysAfter(String cursor) {
        return keys.tailSet(cursor, false).iterator();
    }

    public boolean contains(String key) {
        return keys.contains(key);
    }

    public long size() {
        return keys.size();
    }

    /** Removes every record. */
    public void clear() throws IOException {
        for (String key : keys.toArray(String[]::new)) {
            remove(key);
        }
    }

    private Record parse(byte[] bytes, Path file, String requested) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            byte[] magic = new byte[MAGIC.length];
            in.get(magic);
            boolean sealed = Arrays.equals(magic, SEALED_MAGIC);
            if (!sealed && !Arrays.equals(magic, MAGIC)) {
                throw new IOException("not a Mailhook record file: " + file);
            }
            byte[] key = new byte[in.getInt()];
            in.get(key);
            if (!requested.equals(new String(key, StandardCharsets.UTF_8))) {
                throw new IOException("record file " + file + " holds another key's record: stored under another name");
            }
            if (sealed) {
                return open(bytes, in, file, requested, key);
            }
            byte[] head = new byte[in.getInt()];
            in.get(head);
            byte[] body = Arrays.copyOfRange(bytes, in.position(), bytes.length);
            return new Record(requested, head, body);
        } catch (RuntimeException e) {
            throw new IOException("damaged record file " + file + ": " + e, e);
        }
    }

    /** A sealed record's head and body, decrypted with the key its id names; {@code in} stands after the key. */
    private Record open(byte[] bytes, ByteBuffer in, Path file, String requested, byte[] keyBytes) throws IOException {
        byte[] id = new byte[in.get()];
        in.get(id);
        String keyId = new String(id, StandardCharsets.US_ASCII);
        RecordKeys keyring = sealing.orElseThrow(() -> new IOException("record file " + file
            + " is sealed with storage key id " + keyId + ", but no storage key is configured"));
        RecordKeys.Key sealingKey = keyring.find(keyId).orElseThrow(() -> new IOException("record file " + file
            + " is sealed with storage key id " + keyId + ", which is not among the configured keys " + keyring.ids()));
        Cipher cipher = AesGcm.cipher();
        byte[] associated = associated(HEAD_PART, id, keyBytes);
        try {
            byte[] nonce = new byte[AesGcm.NONCE_BYTES];
            in.get(nonce);
            int headSealed = in.getInt();
            if (headSealed < AesGcm.TAG_BYTES || headSealed > in.remaining() - AesGcm.NONCE_BYTES - AesGcm.TAG_BYTES) {
                throw new IOException("damaged record file " + file + ": a sealed head of " + headSealed + " bytes");
            }
            byte[] head = AesGcm.open(cipher, sealingKey.aes(), nonce, associated, bytes, in.position(), headSealed);
            in.position(in.position() + headSealed);
            in.get(nonce);
            associated[0] = BODY_PART;
            byte[] body = AesGcm.open(cipher, sealingKey.aes(), nonce, associated, bytes, in.position(), in.remaining());
            return new Record(requested, head, body);
        } catch (AEADBadTagException e) {
            throw new IOException("record file " + file + " does not open with storage key id " + keyId
                + ": changed, damaged or stored under another name", e);
        }
    }

    /** The key a record file holds: from its name, or from its first bytes when the name is a hash. */
    private Optional<String> keyOf(Path file) throws IOException {
        String name = file.getFileName().toString();
        String stem = name.substring(0, name.length() - SUFFIX.length());
        if (!stem.startsWith(HASHED_PREFIX)) {
            return Optional.of(FileNames.decode(stem));
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(MAGIC.length + 4);
            channel.read(head, 0);
            head.flip();
            if (head.remaining() < MAGIC.length + 4) {
                return Optional.empty();
            }
            head.position(MAGIC.length);
            ByteBuffer key = ByteBuffer.allocate(head.getInt());
            channel.read(key, MAGIC.length + 4);
            return Optional.of(new String(key.array(), StandardCharsets.UTF_8));
        }
    }

    private Path fileOf(String key) {
        String encoded = FileNames.encode(key);
        if (encoded.length() > MAX_PLAIN_NAME) {
            encoded = HASHED_PREFIX + sha256(key);
        }
        return directory.resolve(encoded + SUFFIX);
    }

    private void forceDirectory() throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new UncheckedIOException(new IOException("no SHA-256", e));
        }
    }
}
