package org.mailhook.ops;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.task.TaskId;
import org.apache.james.task.TaskManager;
import org.mailhook.mailets.PipelineSteps;
import org.mailhook.reparse.BulkCheckpoint;

/**
 * Starts bulk reparses as James tasks ({@link ReparseTask}) with their checkpoints in
 * {@code var/mailhook/reparse/} of the data directory, and submits again those a stop or a crash interrupted.
 */
@Singleton
public class BulkReparses {
    static final String LOCATION = "file://var/mailhook/reparse";

    private final ArchiveReparse reparse;
    private final Supplier<MailRepository> archive;
    private final Path dir;
    private final TaskManager tasks;
    private final Clock clock = Clock.systemUTC();

    @Inject
    public BulkReparses(MailQueueFactory<? extends ManageableMailQueue> queues, MailRepositoryStore repositories, MailhookSettings settings,
                        FileSystem fileSystem, TaskManager tasks, PipelineSteps pipeline) throws Exception {
        WebhookQueueAccess access = new WebhookQueueAccess(queues, repositories, settings);
        this.reparse = new ArchiveReparse(access, clock, pipeline);
        this.archive = access::archive;
        this.dir = fileSystem.getFile(LOCATION).toPath();
        this.tasks = tasks;
    }

    /** A new bulk reparse of the mails archived in [since, until); its checkpoint is stored before the task is submitted. */
    public TaskId start(Optional<Instant> since, Optional<Instant> until, boolean reverify) {
        String id = "r" + clock.millis() + "-" + UUID.randomUUID().toString().substring(0, 8);
        return submit(BulkCheckpoint.create(dir, id, new BulkCheckpoint.Selection(since, until, reverify)));
    }

    /** Submits again every bulk reparse left running; returns their task ids. */
    public List<TaskId> resume() {
        return BulkCheckpoint.unfinished(dir).stream().map(this::submit).toList();
    }

    private TaskId submit(BulkCheckpoint checkpoint) {
        return tasks.submit(new ReparseTask(reparse, archive, checkpoint, clock));
    }
}
