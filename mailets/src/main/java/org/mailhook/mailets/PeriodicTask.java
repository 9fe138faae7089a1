package org.mailhook.mailets;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** A task run after a first delay and then every interval on a daemon thread of its own, until closed (purges, the canary). */
public final class PeriodicTask implements AutoCloseable {
    private final ScheduledExecutorService executor;

    private PeriodicTask(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    /** @param task must not throw: an exception would end the schedule */
    public static PeriodicTask start(String threadName, Duration firstDelay, Duration interval, Runnable task) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(task, firstDelay.toMillis(), Math.max(1000, interval.toMillis()), TimeUnit.MILLISECONDS);
        return new PeriodicTask(executor);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
