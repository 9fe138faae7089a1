package org.mailhook.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Duration text as James writes it in RemoteDelivery {@code delayTime}: a whole number and a unit
 * ({@code 500ms}, {@code 5s}, {@code 5m}, {@code 2h}, {@code 1d}, or the long forms {@code 5 minutes},
 * {@code 1 hour}, {@code 30 sec}); a bare number is milliseconds, as in James.
 */
public final class Durations {
    private static final Pattern DURATION = Pattern.compile(
        "(\\d{1,12})\\s*(ms|msecs?|millis|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)?");

    private Durations() {
    }

    /** @throws IllegalArgumentException naming {@code what} and the text when it is not a duration */
    public static Duration parse(String text, String what) {
        Matcher m = DURATION.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(what + ": '" + text + "' is not a duration (like 500ms, 5s, 5m, 2h, 1d)");
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        return switch (unit.charAt(0)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'h' -> Duration.ofHours(amount);
            case 'd' -> Duration.ofDays(amount);
            case 'm' -> unit.equals("m") || unit.startsWith("min") ? Duration.ofMinutes(amount) : Duration.ofMillis(amount);
            default -> throw new IllegalStateException(unit);
        };
    }

    /** The shortest text {@link #parse} reads back to the same duration. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 86_400_000 == 0 && millis > 0) {
            return millis / 86_400_000 + "d";
        }
        if (millis % 3_600_000 == 0 && millis > 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0 && millis > 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }
}
