package org.mailhook.reparse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bulk reparse's checkpoint as a restart finds it: where to go on, what was counted, which events were queued. */
class BulkCheckpointTest {
    private static final BulkCheckpoint.Selection RANGE = new BulkCheckpoint.Selection(
        Optional.of(Instant.parse("2026-12-01T00:00:00Z")), Optional.empty(), true);

    @Test
    void aRestartGoesOnAfterTheLastMailDoneWithItsCounts(@TempDir Path dir) {
        BulkCheckpoint checkpoint = BulkCheckpoint.create(dir, "r1", RANGE);
        checkpoint.advance("m1", new BulkCheckpoint.Counts(1, 1, 0, 0, 2));
        checkpoint.advance("m2", new BulkCheckpoint.Counts(1, 0, 1, 0, 0));

        BulkCheckpoint resumed = BulkCheckpoint.unfinished(dir).get(0);

        assertThat(resumed.id()).isEqualTo("r1");
        assertThat(resumed.selection()).isEqualTo(RANGE);
        assertThat(resumed.lastKey()).contains("m2");
        assertThat(resumed.counts()).isEqualTo(new BulkCheckpoint.Counts(2, 1, 1, 0, 2));
        assertThat(resumed.selection().covers(Instant.parse("2026-11-30T23:59:59Z").toEpochMilli())).isFalse();
        assertThat(resumed.selection().covers(Instant.parse("2026-12-01T00:00:00Z").toEpochMilli())).isTrue();
    }

    @Test
    void theMailInFlightAtTheCrashQueuesItsEventsWithTheSameAcceptanceTimeAndCountsAsChanged(@TempDir Path dir) {
        BulkCheckpoint checkpoint = BulkCheckpoint.create(dir, "r1", RANGE);
        checkpoint.advance("m1", new BulkCheckpoint.Counts(1, 1, 0, 0, 1));
        assertThat(checkpoint.eventAcceptedAt("m2", 2, "orders", 1000)).isEqualTo(1000);
        assertThat(checkpoint.eventAcceptedAt("m2", 2, "billing", 1001)).isEqualTo(1001);
        checkpoint.revising("m2", 2);
        // kill -9 here: m2's events are queued and its revision stored, the checkpoint still says m1

        BulkCheckpoint resumed = BulkCheckpoint.load(dir, "r1").orElseThrow();

        assertThat(resumed.lastKey()).contains("m1");
        assertThat(resumed.eventAcceptedAt("m2", 2, "orders", 5000)).as("the earlier time: one delivered record for both copies").isEqualTo(1000);
        assertThat(resumed.eventAcceptedAt("m3", 2, "orders", 5000)).isEqualTo(5000);
        assertThat(resumed.revisedBefore("m2", 2)).isTrue();
        assertThat(resumed.revisedBefore("m2", 3)).isFalse();
        assertThat(resumed.loggedEvents("m2")).isEqualTo(2);
        resumed.advance("m2", new BulkCheckpoint.Counts(1, 1, 0, 0, 2));
        assertThat(resumed.revisedBefore("m2", 2)).as("forgotten once done").isFalse();
    }

    @Test
    void linesOfMailsAlreadyDoneAndALineCutShortAreIgnored(@TempDir Path dir) throws Exception {
        BulkCheckpoint checkpoint = BulkCheckpoint.create(dir, "r1", RANGE);
        checkpoint.eventAcceptedAt("m1", 2, "orders", 1000);
        checkpoint.advance("m1", new BulkCheckpoint.Counts(1, 1, 0, 0, 1));
        Files.writeString(dir.resolve("r1.events"), "E m2 2 ord", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        BulkCheckpoint resumed = BulkCheckpoint.load(dir, "r1").orElseThrow();

        assertThat(resumed.eventAcceptedAt("m1", 2, "orders", 7000)).isEqualTo(7000);
        assertThat(resumed.loggedEvents("m2")).isZero();
    }

    @Test
    void finishedReparsesAreNotResumed(@TempDir Path dir) {
        BulkCheckpoint.create(dir, "r1", RANGE).finish(BulkCheckpoint.DONE);
        BulkCheckpoint.create(dir, "r2", RANGE).finish(BulkCheckpoint.CANCELLED);
        BulkCheckpoint.create(dir, "r3", RANGE);

        assertThat(BulkCheckpoint.unfinished(dir)).extracting(BulkCheckpoint::id).containsExactly("r3");
        assertThat(BulkCheckpoint.unfinished(dir.resolve("absent"))).isEmpty();
    }
}
