package org.mailhook.ops;

import java.util.List;

import javax.inject.Inject;

import org.apache.james.task.TaskId;
import org.apache.james.utils.UserDefinedStartable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At start, submits again the bulk reparses a stop or a crash interrupted ({@link BulkReparses#resume}); each
 * goes on after the last mail its checkpoint recorded. Listed in extensions.properties
 * ({@code guice.extension.startable}).
 */
public class ReparseResumer implements UserDefinedStartable {
    private static final Logger LOGGER = LoggerFactory.getLogger(ReparseResumer.class);

    private final BulkReparses reparses;

    @Inject
    public ReparseResumer(BulkReparses reparses) {
        this.reparses = reparses;
    }

    @Override
    public void start() {
        List<TaskId> resumed = reparses.resume();
        if (!resumed.isEmpty()) {
            LOGGER.info("reparse: {} interrupted bulk reparse(s) resumed as tasks {}", resumed.size(), resumed);
        }
    }
}
