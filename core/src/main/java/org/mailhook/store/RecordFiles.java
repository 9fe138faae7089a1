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
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListSet;

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
 */
public final class RecordFiles {
    private static final byte[] MAGIC = "MHREC1\n".getBytes(StandardCharsets.US_ASCII);
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
    private final ConcurrentSkipListSet<String> keys = new ConcurrentSkipListSet<>();

    private RecordFiles(Path directory, boolean fsync) {
        this.directory = directory;
        this.fsync = fsync;
    }

    /** Opens (creating it if needed) the directory, drops unfinished writes and reads the keys. */
    public static RecordFiles open(Path directory, boolean fsync) throws IOException {
        Files.createDirectories(directory);
        RecordFiles files = new RecordFiles(directory, fsync);
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

    /** Stores the record under {@code key}, replacing any record stored under it. */
    public void put(String key, byte[] head, byte[] body) throws IOException {
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        ByteBuffer prefix = ByteBuffer.allocate(MAGIC.length + 8 + keyBytes.length)
            .put(MAGIC).putInt(keyBytes.length).put(keyBytes).putInt(head.length);
        prefix.flip();
        Path temporary = directory.resolve(TEMPORARY_PREFIX + UUID.randomUUID());
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer[] parts = {prefix, ByteBuffer.wrap(head), ByteBuffer.wrap(body)};
            long remaining = prefix.remaining() + (long) head.length + body.length;
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
        return Optional.of(parse(bytes, fileOf(key)));
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

    private static Record parse(byte[] bytes, Path file) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            byte[] magic = new byte[MAGIC.length];
            in.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException("not a Mailhook record file: " + file);
            }
            byte[] key = new byte[in.getInt()];
            in.get(key);
            byte[] head = new byte[in.getInt()];
            in.get(head);
            byte[] body = Arrays.copyOfRange(bytes, in.position(), bytes.length);
            return new Record(new String(key, StandardCharsets.UTF_8), head, body);
        } catch (RuntimeException e) {
            throw new IOException("damaged record file " + file + ": " + e, e);
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
