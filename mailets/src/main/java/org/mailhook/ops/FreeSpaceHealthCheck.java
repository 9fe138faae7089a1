package org.mailhook.ops;

import javax.inject.Inject;

import org.apache.james.core.healthcheck.ComponentName;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.core.healthcheck.Result;
import org.mailhook.disk.FreeSpaceGuard;
import org.reactivestreams.Publisher;

import reactor.core.publisher.Mono;

/**
 * The free-space guard as a health check: unhealthy while it refuses new mail (below
 * {@code smtp.minFreeBytes}, or the free space cannot be read), degraded while less than twice the
 * threshold is free, healthy otherwise; the cause names the free bytes, the threshold and the
 * directory. Listed in {@code healthcheck.properties} {@code additional.healthchecks}.
 */
public class FreeSpaceHealthCheck implements HealthCheck {
    public static final ComponentName NAME = new ComponentName("mailhook-disk-space");

    private final FreeSpaceMonitor monitor;

    @Inject
    public FreeSpaceHealthCheck(FreeSpaceMonitor monitor) {
        this.monitor = monitor;
    }

    @Override
    public ComponentName componentName() {
        return NAME;
    }

    @Override
    public Publisher<Result> check() {
        return Mono.fromCallable(() -> result(monitor.reading()));
    }

    Result result(FreeSpaceGuard.Reading reading) {
        String where = " on " + monitor.directory();
        if (reading.error().isPresent()) {
            return Result.unhealthy(NAME, "free space" + where + " cannot be read (" + reading.error().get()
                + "): new mail is answered 452 4.3.1");
        }
        String figures = reading.freeBytes() + " bytes free" + where + ", threshold " + FreeSpaceMonitor.KEY + "=" + reading.minFreeBytes();
        if (reading.refusing()) {
            return Result.unhealthy(NAME, figures + ": new mail is answered 452 4.3.1 until "
                + (reading.minFreeBytes() + reading.minFreeBytes() / FreeSpaceGuard.HYSTERESIS_DIVISOR) + " bytes are free");
        }
        if (reading.low()) {
            return Result.degraded(NAME, figures + ": less than twice the threshold free; new mail is refused below it");
        }
        return Result.healthy(NAME);
    }
}
