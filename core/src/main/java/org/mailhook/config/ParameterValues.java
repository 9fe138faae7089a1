package org.mailhook.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads named configuration values (mailet and matcher parameters, keys of mailhook.properties) as
 * text, whole numbers, durations, byte counts and flags, with one error style:
 * {@code <where>: '<value>' is not <form>}, where {@code <where>} names the source and the key
 * ({@code WebhookDelivery: <maxAttempts>}, {@code mailhook.properties: pull.settle}, or just the key
 * for an engine whose adapter adds the source). A blank value (e.g. from {@code ${env:X:-}}) counts
 * as not set, so the default applies.
 */
public final class ParameterValues {
    private static final Pattern BYTES = Pattern.compile("(\\d{1,15})\\s*([kmg]?)b?");

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.]+");
    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9]([a-z0-9.-]*[a-z0-9])?");

    private final Function<String, String> values;
    private final String source;
    private final Function<String, String> where;

    private ParameterValues(Function<String, String> values, String source, Function<String, String> where) {
        this.values = Objects.requireNonNull(values);
        this.source = source;
        this.where = where;
    }

    /** Values an engine reads; its messages start with the bare name and the adapter says where it came from. */
    public static ParameterValues of(Function<String, String> values) {
        return new ParameterValues(values, "", name -> name);
    }

    /** A mailet's or matcher's parameters; messages start {@code Mailet: <name>}, as written in mailetcontainer.xml. */
    public static ParameterValues ofMailet(String mailetName, Function<String, String> values) {
        return new ParameterValues(values, mailetName, name -> mailetName + ": <" + name + ">");
    }

    /** A properties file's keys; messages start {@code file: key}. */
    public static ParameterValues ofFile(String fileName, Function<String, String> values) {
        return new ParameterValues(values, fileName, name -> fileName + ": " + name);
    }

    /**
     * An engine's error message, which starts with the bare key ({@code maxAge: ...}), restated the way
     * this reader names keys ({@code WebhookDelivery: <maxAge>: ...}); a message already so stated is kept.
     */
    public String locate(String engineMessage) {
        if (!source.isEmpty() && engineMessage.startsWith(source + ":")) {
            return engineMessage;
        }
        int colon = engineMessage.indexOf(':');
        if (colon > 0 && KEY.matcher(engineMessage.substring(0, colon)).matches()) {
            return where.apply(engineMessage.substring(0, colon)) + engineMessage.substring(colon);
        }
        return source.isEmpty() ? engineMessage : source + ": " + engineMessage;
    }

    /** The value, trimmed; empty when absent or blank. */
    public Optional<String> text(String name) {
        String value = values.apply(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public String text(String name, String defaultValue) {
        return text(name).orElse(defaultValue);
    }

    /** {@code true}/{@code yes} or {@code false}/{@code no}, any case. */
    public boolean flag(String name, boolean defaultValue) {
        return text(name).map(value -> switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes" -> true;
            case "false", "no" -> false;
            default -> throw invalid(name, value, "true or false");
        }).orElse(defaultValue);
    }

    /** A whole number in {@code min..max}. */
    public int wholeNumber(String name, int defaultValue, int min, int max) {
        return (int) wholeNumber(name, (long) defaultValue, min, max);
    }

    /** A whole number in {@code min..max}. */
    public long wholeNumber(String name, long defaultValue, long min, long max) {
        Optional<String> text = text(name);
        if (text.isEmpty()) {
            return defaultValue;
        }
        try {
            long value = Long.parseLong(text.get());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below with the allowed range
        }
        throw invalid(name, text.get(), "a whole number (" + range(min, max) + ")");
    }

    /** A duration as {@link Durations#parse} reads it. */
    public Duration duration(String name, Duration defaultValue) {
        return text(name).map(value -> Durations.parse(value, where.apply(name))).orElse(defaultValue);
    }

    /** A byte count as {@link #parseBytes} reads it. */
    public long bytes(String name, long defaultValue) {
        return bytes(name, defaultValue, 0, Long.MAX_VALUE);
    }

    /** A byte count as {@link #parseBytes} reads it, in {@code min..max}. */
    public long bytes(String name, long defaultValue, long min, long max) {
        Optional<String> text = text(name);
        if (text.isEmpty()) {
            return defaultValue;
        }
        long value = parseBytes(text.get(), where.apply(name));
        if (value < min || value > max) {
            throw invalid(name, text.get(), "a byte count (" + range(min, max) + ")");
        }
        return value;
    }

    private static String range(long min, long max) {
        return max == Integer.MAX_VALUE || max == Long.MAX_VALUE ? "at least " + min : min + ".." + max;
    }

    /** Domain names separated by commas or spaces, lower case; empty when absent or blank. */
    public List<String> domainNames(String name) {
        Optional<String> value = text(name);
        if (value.isEmpty()) {
            return List.of();
        }
        List<String> domains = new ArrayList<>();
        for (String domain : value.get().split("[,\\s]+")) {
            String lower = domain.toLowerCase(Locale.ROOT);
            if (!DOMAIN.matcher(lower).matches()) {
                throw invalid(name, domain, "domain names separated by commas");
            }
            domains.add(lower);
        }
        return domains;
    }

    /** An error for a value of an engine-specific form, in this reader's style. */
    public IllegalArgumentException invalid(String name, String value, String form) {
        return new IllegalArgumentException(where.apply(name) + ": '" + value + "' is not " + form);
    }

    /**
     * A byte count: a whole number of bytes, or with a binary unit {@code k}, {@code m}, {@code g}
     * (case-insensitive, an optional {@code b}: {@code 512M}, {@code 40MB}, {@code 41943040}).
     *
     * @throws IllegalArgumentException starting with {@code what} when the text is not one
     */
    public static long parseBytes(String text, String what) {
        Matcher m = BYTES.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
        String form = "a byte count (like 0, 150000000, 512M, 40MB, 2G)";
        if (!m.matches()) {
            throw new IllegalArgumentException(what + ": '" + text + "' is not " + form);
        }
        long amount = Long.parseLong(m.group(1));
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
        if (amount > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException(what + ": '" + text + "' is not " + form + ": too large");
        }
        return amount << shift;
    }
}
