package org.mailhook.webadmin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.commons.configuration2.Configuration;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.utils.PropertiesProvider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import spark.Request;

/**
 * Who changed the delivery state through WebAdmin, when, and what: one JSON line per action
 * (redelivery, replay, drop, quarantine release) appended to {@code var/mailhook/audit.jsonl} and
 * flushed before the route answers. "Who" is the {@code sub} of the bearer token when James' JWT
 * filter checked it ({@code jwt.enabled=true}); without authentication it is {@code unauthenticated},
 * never a claim nobody verified. The caller's address is recorded either way.
 */
@Singleton
public class AuditLog {
    static final String LOCATION = "file://var/mailhook/audit.jsonl";
    private static final int MAX_TARGET_CHARS = 500;

    private final Path file;
    private final boolean tokensVerified;
    private final Clock clock;

    @Inject
    public AuditLog(FileSystem fileSystem, PropertiesProvider properties) throws Exception {
        this(fileSystem.getFile(LOCATION).toPath(), jwtEnabled(properties), Clock.systemUTC());
    }

    AuditLog(Path file, boolean tokensVerified, Clock clock) {
        this.file = file;
        this.tokensVerified = tokensVerified;
        this.clock = clock;
    }

    /** Appends one entry: {@code action} on {@code target}, touching {@code mails} mails, with its {@code outcome}. */
    public void record(Request request, String action, String target, int mails, String outcome) {
        record(request.headers("Authorization"), request.ip(), action, target, mails, outcome);
    }

    synchronized void record(String authorization, String from, String action, String target, int mails, String outcome) {
        ObjectNode entry = JsonResponses.JSON.createObjectNode()
            .put("at", Instant.now(clock).toString())
            .put("who", who(authorization))
            .put("from", from)
            .put("action", action)
            .put("target", target.length() > MAX_TARGET_CHARS ? target.substring(0, MAX_TARGET_CHARS) + "…" : target)
            .put("mails", mails)
            .put("outcome", outcome);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, entry.toString() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        } catch (IOException e) {
            throw new UncheckedIOException("audit log " + file + " cannot be written", e);
        }
    }

    /** The newest {@code limit} entries, newest first. */
    public synchronized List<JsonNode> newest(int limit) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<JsonNode> entries = new ArrayList<>();
        for (int i = lines.size() - 1; i >= 0 && entries.size() < limit; i--) {
            if (!lines.get(i).isBlank()) {
                entries.add(JsonResponses.JSON.readTree(lines.get(i)));
            }
        }
        return Collections.unmodifiableList(entries);
    }

    /** The token's subject when James verified the token; its signature is not checked again here. */
    String who(String authorization) {
        if (!tokensVerified) {
            return "unauthenticated";
        }
        return subject(authorization).orElse("unknown");
    }

    static Optional<String> subject(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return Optional.empty();
        }
        String[] parts = authorization.substring("Bearer ".length()).trim().split("\\.");
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            JsonNode claims = JsonResponses.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            return Optional.ofNullable(claims.path("sub").asText(null)).filter(s -> !s.isBlank());
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static boolean jwtEnabled(PropertiesProvider properties) throws Exception {
        try {
            Configuration webadmin = properties.getConfiguration("webadmin");
            return webadmin.getBoolean("jwt.enabled", false);
        } catch (java.io.FileNotFoundException e) {
            return false;
        }
    }
}
