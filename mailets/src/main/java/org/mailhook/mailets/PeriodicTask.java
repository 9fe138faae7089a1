package org.mailhook.mailets;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** A task run at once and then every interval on a daemon thread of its own, until closed (retention purges). */
final class PeriodicTask implements AutoCloseable {
    private final ScheduledExecutorService executor;

    private PeriodicTask(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    /** @param task must not throw: an exception would end the schedule */
    static PeriodicTask start(String threadName, Duration interval, Runnable task) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(task, 0, Math.max(1000, interval.toMillis()), TimeUnit.MILLISECONDS);
        return new PeriodicTask(executor);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
