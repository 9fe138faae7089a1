package org.mailhook.reparse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The durable progress of one bulk reparse, so that a restart (kill -9 included) resumes it where it was,
 * neither skipping a mail nor sending an event twice. Two files in a directory of the data dir:
 * <ul>
 * <li>{@code <id>.json}: the selection, the last archive key done and the counts, replaced atomically
 *     (written, fsynced, renamed) after each mail;</li>
 * <li>{@code <id>.events}: an fsynced line per {@code message.updated} event <em>before</em> it is queued
 *     ({@code E key revision endpoint acceptedAtMillis}) and per revision before it is stored
 *     ({@code R key revision}). Resumed, the mail in flight at the crash queues its events again under the
 *     same webhook-id and acceptance time, so the webhook consumer's delivered-record check drops the
 *     copy that was already sent; a revision it stored before the crash counts as changed.</li>
 * </ul>
 * Only the lines of keys after the last one done are kept in memory. One task writes it; its progress may be read
 * from another thread.
 */
public final class BulkCheckpoint {
    public static final String RUNNING = "running";
    public static final String DONE = "done";
    public static final String CANCELLED = "cancelled";
    public static final String FAILED = "failed";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the bulk reparse covers: mails archived in [since, until), authentication taken again or not. */
    public record Selection(Optional<Instant> since, Optional<Instant> until, boolean reverify) {
        public boolean covers(long archivedAtMillis) {
            return since.map(s -> archivedAtMillis >= s.toEpochMilli()).orElse(true)
                && until.map(u -> archivedAtMillis < u.toEpochMilli()).orElse(true);
        }
    }

    /**
     * @param reparsed mails reparsed (changed + unchanged)
     * @param skipped mails not reparsed (gone, or without a document)
     * @param events {@code message.updated} events queued
     */
    public record Counts(long reparsed, long changed, long unchanged, long skipped, long events) {
        public static final Counts ZERO = new Counts(0, 0, 0, 0, 0);

        public Counts plus(Counts other) {
            return new Counts(reparsed + other.reparsed, changed + other.changed, unchanged + other.unchanged,
                skipped + other.skipped, events + other.events);
        }
    }

    private final Path dir;
    private final String id;
    private final Selection selection;
    // read by the task's progress view on another thread
    private volatile Optional<String> lastKey;
    private volatile Counts counts;
    private volatile String state;
    /** "key revision endpoint" → acceptance time, and "key revision" of stored revisions, for keys after lastKey. */
    private final Map<String, Long> logged = new HashMap<>();

    private BulkCheckpoint(Path dir, String id, Selection selection, Optional<String> lastKey, Counts counts, String state) {
        this.dir = dir;
        this.id = id;
        this.selection = selection;
        this.lastKey = lastKey;
        this.counts = counts;
        this.state = state;
    }

    /** A new bulk reparse, stored before it starts. */
    public static BulkCheckpoint create(Path dir, String id, Selection selection) {
        BulkCheckpoint checkpoint = new BulkCheckpoint(dir, id, selection, Optional.empty(), Counts.ZERO, RUNNING);
        checkpoint.write();
        return checkpoint;
    }

    /** The stored bulk reparses still {@code running} (interrupted by a stop or a crash), oldest id first. */
    public static List<BulkCheckpoint> unfinished(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<BulkCheckpoint> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                BulkCheckpoint checkpoint = read(dir, file);
                if (checkpoint.state.equals(RUNNING)) {
                    found.add(checkpoint);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return found;
    }

    public static Optional<BulkCheckpoint> load(Path dir, String id) {
        Path file = dir.resolve(id + ".json");
        return Files.exists(file) ? Optional.of(read(dir, file)) : Optional.empty();
    }

    private static BulkCheckpoint read(Path dir, Path file) {
        try {
            JsonNode node = JSON.readTree(Files.readString(file));
            Selection selection = new Selection(instant(node, "since"), instant(node, "until"), node.path("reverify").asBoolean());
            JsonNode c = node.path("counts");
            Counts counts = new Counts(c.path("reparsed").asLong(), c.path("changed").asLong(), c.path("unchanged").asLong(),
                c.path("skipped").asLong(), c.path("events").asLong());
            Optional<String> lastKey = node.hasNonNull("lastKey") ? Optional.of(node.get("lastKey").asText()) : Optional.empty();
            BulkCheckpoint checkpoint = new BulkCheckpoint(dir, node.path("id").asText(), selection, lastKey, counts, node.path("state").asText());
            checkpoint.readLog();
            return checkpoint;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the reparse checkpoint " + file, e);
        }
    }

    private static Optional<Instant> instant(JsonNode node, String field) {
        return node.hasNonNull(field) ? Optional.of(Instant.parse(node.get(field).asText())) : Optional.empty();
    }

    private void readLog() throws IOException {
        Path log = log();
        if (!Files.exists(log)) {
            return;
        }
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            String[] fields = line.split(" ");
            // a line cut short by the crash was never acted on: its fsync had not returned
            if (fields.length == 5 && fields[0].equals("E") && after(fields[1])) {
                logged.put(fields[1] + " " + fields[2] + " " + fields[3], Long.parseLong(fields[4]));
            } else if (fields.length == 3 && fields[0].equals("R") && after(fields[1])) {
                logged.put(fields[1] + " " + fields[2], 0L);
            }
        }
    }

    private boolean after(String key) {
        return lastKey.map(last -> key.compareTo(last) > 0).orElse(true);
    }

    public String id() {
        return id;
    }

    public Selection selection() {
        return selection;
    }

    public Optional<String> lastKey() {
        return lastKey;
    }

    public Counts counts() {
        return counts;
    }

    public String state() {
        return state;
    }

    /**
     * The acceptance time to queue the event of {@code revision} of {@code key} to {@code endpoint} with: the one
     * logged when it was queued before the crash, else {@code nowMillis}, logged (fsynced) before this returns.
     */
    public long eventAcceptedAt(String key, int revision, String endpoint, long nowMillis) {
        Long earlier = logged.get(key + " " + revision + " " + endpoint);
        if (earlier != null) {
            return earlier;
        }
        append("E " + key + " " + revision + " " + endpoint + " " + nowMillis);
        logged.put(key + " " + revision + " " + endpoint, nowMillis);
        return nowMillis;
    }

    /** Logs that {@code revision} of {@code key} is about to be stored. */
    public void revising(String key, int revision) {
        append("R " + key + " " + revision);
        logged.put(key + " " + revision, 0L);
    }

    /** Whether a revision of {@code key} was stored (or about to be) before a crash: the mail changed in this run. */
    public boolean revisedBefore(String key, int revision) {
        return logged.containsKey(key + " " + revision);
    }

    /** How many events of {@code key} were logged before a crash (they count for the mail that queued them). */
    public long loggedEvents(String key) {
        return logged.keySet().stream().filter(entry -> entry.startsWith(key + " ") && entry.split(" ").length == 3).count();
    }

    /** {@code key} is done and counted: stored before this returns. */
    public void advance(String key, Counts delta) {
        lastKey = Optional.of(key);
        counts = counts.plus(delta);
        logged.keySet().removeIf(entry -> !after(entry.substring(0, entry.indexOf(' '))));
        write();
    }

    public void finish(String finalState) {
        state = finalState;
        write();
    }

    private Path log() {
        return dir.resolve(id + ".events");
    }

    private void append(String line) {
        try {
            Files.createDirectories(dir);
            try (FileChannel channel = FileChannel.open(log(), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                channel.write(java.nio.ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the reparse events log " + log(), e);
        }
    }

    private void write() {
        ObjectNode node = JSON.createObjectNode().put("id", id).put("state", state);
        node.put("since", selection.since().map(Instant::toString).orElse(null));
        node.put("until", selection.until().map(Instant::toString).orElse(null));
        node.put("reverify", selection.reverify());
        node.put("lastKey", lastKey.orElse(null));
        node.putObject("counts").put("reparsed", counts.reparsed()).put("changed", counts.changed())
            .put("unchanged", counts.unchanged()).put("skipped", counts.skipped()).put("events", counts.events());
        Path file = dir.resolve(id + ".json");
        Path temp = dir.resolve(id + ".json.tmp");
        try {
            Files.createDirectories(dir);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(java.nio.ByteBuffer.wrap(node.toString().getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the reparse checkpoint " + file, e);
        }
    }
}
