package org.mailhook.ops;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.task.Task;
import org.apache.james.task.TaskExecutionDetails;
import org.apache.james.task.TaskType;
import org.mailhook.archive.ArchiveKeys;
import org.mailhook.mailets.repository.SortedKeys;
import org.mailhook.reparse.BulkCheckpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bulk reparse as a James task ({@code /tasks/{id}} shows its progress, {@code DELETE /tasks/{id}} cancels it):
 * the archived mails of a time range in arrival order, a page of keys at a time (the archive is listed once per
 * page and only the next {@code pageSize} keys after the checkpoint are kept, so memory stays bounded whatever
 * the archive's size), each reparsed by {@link ArchiveReparse} and checkpointed ({@link BulkCheckpoint}) before
 * the next; after a restart {@link ReparseResumer} submits it again and it goes on after the last mail done.
 */
public final class ReparseTask implements Task {
    public static final TaskType TYPE = TaskType.of("mailhook-reparse");
    static final int PAGE_SIZE = 100;
    private static final Logger LOGGER = LoggerFactory.getLogger(ReparseTask.class);

    /** What {@code /tasks/{id}} shows while it runs and after. */
    public record Details(String checkpointId, String since, String until, boolean reverify, long reparsed, long changed,
                          long unchanged, long skipped, long events, String lastKey, Instant timestamp)
        implements TaskExecutionDetails.AdditionalInformation {
    }

    private final ArchiveReparse reparse;
    private final Supplier<MailRepository> archive;
    private final BulkCheckpoint checkpoint;
    private final Clock clock;

    public ReparseTask(ArchiveReparse reparse, Supplier<MailRepository> archive, BulkCheckpoint checkpoint, Clock clock) {
        this.reparse = reparse;
        this.archive = archive;
        this.checkpoint = checkpoint;
        this.clock = clock;
    }

    @Override
    public Result run() {
        try {
            // resumed at start: the mailets register their steps as James initialises them
            for (int waited = 0; !reparse.ready() && waited < 120; waited++) {
                Thread.sleep(1000);
            }
            while (true) {
                if (Thread.currentThread().isInterrupted()) {
                    checkpoint.finish(BulkCheckpoint.CANCELLED);
                    return Result.PARTIAL;
                }
                List<String> page = nextPage();
                if (page.isEmpty()) {
                    checkpoint.finish(BulkCheckpoint.DONE);
                    LOGGER.info("reparse {}: done, {}", checkpoint.id(), checkpoint.counts());
                    return Result.COMPLETED;
                }
                reparse.reparse(page, checkpoint.selection().reverify(), events(), this::done);
            }
        } catch (InterruptedException | Cancelled e) {
            checkpoint.finish(BulkCheckpoint.CANCELLED);
            Thread.currentThread().interrupt();
            return Result.PARTIAL;
        } catch (Exception e) {
            // left "running": the next start resumes it after the last mail done
            LOGGER.error("reparse {} stopped after {}; it resumes at the next start", checkpoint.id(), checkpoint.lastKey().orElse("-"), e);
            return Result.PARTIAL;
        }
    }

    private ArchiveReparse.Events events() {
        return new ArchiveReparse.Events() {
            @Override
            public long acceptedAt(String key, int revision, String endpoint, long nowMillis) {
                return checkpoint.eventAcceptedAt(key, revision, endpoint, nowMillis);
            }

            @Override
            public void revising(String key, int revision) {
                checkpoint.revising(key, revision);
            }
        };
    }

    private void done(ArchiveReparse.Result result) {
        BulkCheckpoint.Counts delta;
        if (result.skipped().isPresent()) {
            delta = new BulkCheckpoint.Counts(0, 0, 0, 1, 0);
        } else if (result.changed()) {
            delta = new BulkCheckpoint.Counts(1, 1, 0, 0, result.notified().size());
        } else if (checkpoint.revisedBefore(result.key(), result.revision())) {
            // revised in this run just before a crash: it changed, and its events were queued then
            delta = new BulkCheckpoint.Counts(1, 1, 0, 0, checkpoint.loggedEvents(result.key()));
        } else {
            delta = new BulkCheckpoint.Counts(1, 0, 1, 0, 0);
        }
        checkpoint.advance(result.key(), delta);
        if (Thread.currentThread().isInterrupted()) {
            throw new Cancelled();
        }
    }

    /** {@code DELETE /tasks/{id}}: stops after the mail in hand, which is checkpointed. */
    private static final class Cancelled extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    /**
     * The next keys after the checkpoint in the selection, in arrival order, at most {@link #PAGE_SIZE}: read
     * from the archive's keys in ascending order, from the later of the checkpoint and the range's start,
     * until the page is full or the range's end is passed.
     */
    private List<String> nextPage() throws Exception {
        String start = checkpoint.lastKey().orElse("");
        String rangeStart = checkpoint.selection().since().map(since -> ArchiveKeys.cursorBefore(since.toEpochMilli())).orElse("");
        List<String> page = new ArrayList<>();
        for (Iterator<String> it = SortedKeys.after(archive.get(), rangeStart.compareTo(start) > 0 ? rangeStart : start);
             it.hasNext() && page.size() < PAGE_SIZE; ) {
            String key = it.next();
            Optional<Long> at = ArchiveKeys.archivedAtMillis(key);
            if (at.isEmpty()) {
                continue;
            }
            if (!checkpoint.selection().covers(at.get())) {
                if (checkpoint.selection().until().filter(until -> at.get() >= until.toEpochMilli()).isPresent()) {
                    // Keys begin with the archive time: every later one is past the range's end too.
                    break;
                }
                continue;
            }
            page.add(key);
        }
        return page;
    }

    @Override
    public TaskType type() {
        return TYPE;
    }

    @Override
    public Optional<TaskExecutionDetails.AdditionalInformation> details() {
        BulkCheckpoint.Counts counts = checkpoint.counts();
        return Optional.of(new Details(checkpoint.id(), checkpoint.selection().since().map(Instant::toString).orElse(null),
            checkpoint.selection().until().map(Instant::toString).orElse(null), checkpoint.selection().reverify(),
            counts.reparsed(), counts.changed(), counts.unchanged(), counts.skipped(), counts.events(),
            checkpoint.lastKey().orElse(null), clock.instant()));
    }
}
