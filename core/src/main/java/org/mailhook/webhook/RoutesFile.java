package org.mailhook.webhook;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

/**
 * A routes file (JSON, see {@link Routes#parseJson}) that is read again when it changes. At most once per
 * check interval (clock injected) the file's modification time and size are compared with the loaded
 * version; a changed file is parsed and, only if valid, replaces the routes. A broken edit keeps the last
 * good routes and is reported by {@link #lastError()}, so mail keeps flowing while the file is fixed.
 */
public final class RoutesFile {
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(5);

    private final Path path;
    private final Clock clock;
    private final Duration checkInterval;
    private final Function<String, Optional<String>> env;

    private Routes routes;
    private Object loadedVersion;
    private Instant lastCheck;
    private Optional<String> lastError = Optional.empty();

    /**
     * Reads the file now.
     *
     * @throws IllegalArgumentException when it cannot be read or is not valid (message names the key, never a secret)
     */
    public RoutesFile(Path path, Clock clock, Duration checkInterval, Function<String, Optional<String>> env) {
        this.path = path;
        this.clock = clock;
        this.checkInterval = checkInterval;
        this.env = env;
        Object version = version().orElseThrow(() -> new IllegalArgumentException(path + ": cannot be read"));
        this.routes = load();
        this.loadedVersion = version;
        this.lastCheck = clock.instant();
    }

    /** The routes now, reloaded first if the file changed since the last check. */
    public synchronized Routes current() {
        Instant now = clock.instant();
        if (Duration.between(lastCheck, now).compareTo(checkInterval) < 0) {
            return routes;
        }
        lastCheck = now;
        Optional<Object> version = version();
        if (version.isEmpty()) {
            lastError = Optional.of(path + ": cannot be read; keeping the routes loaded before");
            return routes;
        }
        if (version.get().equals(loadedVersion)) {
            return routes;
        }
        try {
            routes = load();
            lastError = Optional.empty();
        } catch (IllegalArgumentException e) {
            lastError = Optional.of(e.getMessage() + "; keeping the routes loaded before");
        }
        // A broken version is not parsed again until the file changes once more.
        loadedVersion = version.get();
        return routes;
    }

    /** Why the last reload failed, if it did (the routes from before are still in use). */
    public synchronized Optional<String> lastError() {
        return lastError;
    }

    public Path path() {
        return path;
    }

    private Routes load() {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(path + ": cannot be read (" + e.getMessage() + ")", e);
        }
        try {
            return Routes.parseJson(text, env);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
        }
    }

    private Optional<Object> version() {
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            return Optional.of(attributes.lastModifiedTime().toMillis() + ":" + attributes.size());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
