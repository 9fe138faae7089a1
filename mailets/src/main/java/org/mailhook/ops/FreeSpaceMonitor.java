package org.mailhook.ops;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.james.util.Size;
import org.mailhook.disk.FreeSpaceGuard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one free-space guard of a James server (a Guice singleton shared by {@code FreeSpaceHook} in
 * smtpserver.xml and {@code FreeSpaceHealthCheck}): watches the file system of James' working
 * directory (the server folder's data directory), logs one WARN when the guard engages and one INFO
 * when it lifts, and exports the free bytes as a gauge.
 *
 * <p>The threshold is {@code smtp.minFreeBytes} of mailhook.properties (shipped as
 * {@code ${env:MAILHOOK_MIN_FREE_BYTES:-}}); empty or absent: twice the largest {@code maxmessagesize}
 * of smtpserver.xml plus 64 MB; {@code 0}: never refuse. A bad value stops startup naming the file
 * and the key.
 */
@Singleton
public class FreeSpaceMonitor {
    public static final String KEY = MailhookSettings.MIN_FREE_BYTES;
    public static final String FREE_BYTES = "mailhook_disk_free_bytes";
    public static final String MIN_FREE_BYTES = "mailhook_disk_min_free_bytes";
    public static final String REFUSED = "mailhook_smtp_insufficient_storage";
    static final Duration RECHECK = Duration.ofSeconds(1);
    private static final Logger LOGGER = LoggerFactory.getLogger(FreeSpaceMonitor.class);

    private final FreeSpaceGuard guard;
    private final Path directory;
    private final MetricFactory metrics;

    @Inject
    public FreeSpaceMonitor(FileSystem fileSystem, MailhookSettings settings, ConfigurationProvider configurations,
                            GaugeRegistry gauges, MetricFactory metrics) throws Exception {
        this.directory = fileSystem.getBasedir().toPath().toAbsolutePath();
        this.metrics = metrics;
        long minFree = minFreeBytes(settings, () -> maxMessageBytes(configurations));
        this.guard = new FreeSpaceGuard(FreeSpaceGuard.fileStoreOf(directory), minFree, RECHECK, Clock.systemUTC(), new Logging(directory));
        register(gauges, FREE_BYTES, () -> guard.reading().freeBytes());
        register(gauges, MIN_FREE_BYTES, () -> minFree);
        if (minFree == 0) {
            LOGGER.info("free-space guard off ({}=0): mail is accepted whatever the free space on {}", KEY, directory);
        } else {
            LOGGER.info("free-space guard: new mail answered 452 4.3.1 while {} has less than {} free", directory, human(minFree));
        }
    }

    /** Over a given engine (tests pin its clock and free space). */
    public FreeSpaceMonitor(FreeSpaceGuard guard, Path directory, MetricFactory metrics) {
        this.guard = guard;
        this.directory = directory;
        this.metrics = metrics;
    }

    /** {@code smtp.minFreeBytes}, or the default for the largest accepted message. */
    public static long minFreeBytes(MailhookSettings settings, java.util.function.LongSupplier maxMessageBytes) {
        return settings.minFreeBytes().orElseGet(() -> FreeSpaceGuard.defaultMinFreeBytes(maxMessageBytes.getAsLong()));
    }

    /** The largest {@code maxmessagesize} of smtpserver.xml in bytes (KB unless a unit is given, as James reads it); 0: no cap. */
    public static long maxMessageBytes(ConfigurationProvider configurations) {
        HierarchicalConfiguration<ImmutableNode> smtp;
        try {
            smtp = configurations.getConfiguration("smtpserver");
        } catch (Exception e) {
            throw new IllegalArgumentException("smtpserver.xml: " + e.getMessage(), e);
        }
        return maxMessageBytes(smtp.configurationsAt("smtpserver"));
    }

    public static long maxMessageBytes(List<HierarchicalConfiguration<ImmutableNode>> servers) {
        long max = -1;
        for (HierarchicalConfiguration<ImmutableNode> server : servers) {
            if (!server.getBoolean("[@enabled]", true)) {
                continue;
            }
            long bytes = Size.parse(server.getString("maxmessagesize", "0"), Size.Unit.K).asBytes();
            if (bytes <= 0) {
                return 0;
            }
            max = Math.max(max, bytes);
        }
        return Math.max(max, 0);
    }

    /** MAIL FROM: whether a new mail may start (the reading of the last second). */
    public boolean admitsNewMail() {
        return guard.admits();
    }

    /** End of DATA: a fresh reading, refusing below the bare minimum (half the threshold). */
    public boolean roomAtEndOfData() {
        return !guard.refresh().belowFloor();
    }

    public FreeSpaceGuard.Reading reading() {
        return guard.reading();
    }

    public Path directory() {
        return directory;
    }

    /** Counts one mail answered 452 for want of space. */
    public void refused() {
        metrics.generate(REFUSED).increment();
    }

    private static void register(GaugeRegistry gauges, String name, org.apache.james.metrics.api.Gauge<Long> gauge) {
        try {
            gauges.register(name, gauge);
        } catch (IllegalArgumentException e) {
            LOGGER.debug("gauge {} already registered", name, e);
        }
    }

    static String human(long bytes) {
        if (bytes < 0) {
            return "unknown";
        }
        if (bytes < 1024 * 1024) {
            return bytes + " bytes";
        }
        return String.format(Locale.ROOT, "%.1f MB (%d bytes)", bytes / 1048576.0, bytes);
    }

    /** One WARN line when the guard engages, one INFO when it lifts. */
    private record Logging(Path directory) implements FreeSpaceGuard.Listener {
        @Override
        public void engaged(FreeSpaceGuard.Reading reading) {
            if (reading.error().isPresent()) {
                LOGGER.warn("free-space guard engaged: free space of {} cannot be read ({}); new mail is answered 452 4.3.1 until it can",
                    directory, reading.error().get());
            } else {
                LOGGER.warn("free-space guard engaged: {} free on {}, below {}={}; new mail is answered 452 4.3.1 until {} are free",
                    human(reading.freeBytes()), directory, KEY, human(reading.minFreeBytes()),
                    human(reading.minFreeBytes() + reading.minFreeBytes() / FreeSpaceGuard.HYSTERESIS_DIVISOR));
            }
        }

        @Override
        public void lifted(FreeSpaceGuard.Reading reading) {
            LOGGER.info("free-space guard lifted: {} free on {} ({}={}); accepting mail again",
                human(reading.freeBytes()), directory, KEY, human(reading.minFreeBytes()));
        }
    }
}
