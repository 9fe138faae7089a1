package org.mailhook.reparse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.mailhook.json.Envelope;
import org.mailhook.json.MessageParser;
import org.mailhook.json.VerdictTime;

/**
 * Makes the next revision of a stored document from the stored raw MIME with the current code:
 * parsing always; attachment classification and spam scoring when those steps are given; the
 * authentication verdict only when re-verification is asked for, else the one taken at receipt is kept
 * (keys rotate, and a later lookup can fail for a mail that passed). A re-verified {@code auth} carries
 * its own {@code checkedAt} and keeps the previous one as {@code auth.atReceipt}.
 *
 * <p>The envelope, {@code receivedAt} and {@code id} (the idempotency key receivers upsert on) are the
 * stored document's. The result is compared with the stored document {@linkplain #normalised normalised}:
 * without the fields that change on every run (parser version, revision, verdict times); an unchanged
 * result makes no revision. Never throws for bad mail: the parser turns it into {@code parse.errors}.
 */
public final class Reparser {
    /** Top-level fields written by the parser itself; everything else in a stored document is a section. */
    static final String REVISION = "revision";
    static final String REVISED_AT = "revisedAt";
    static final String AT_RECEIPT = "atReceipt";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A verdict taken again for a stored mail.
     */
    @FunctionalInterface
    public interface Step {
        /**
         * @param raw the stored raw MIME
         * @param envelope the stored envelope
         * @param stored the stored section (a JSON null when absent)
         * @return the new section (JSON text, without {@code checkedAt}: the reparser stamps it), or empty to keep the stored one
         */
        Optional<String> take(byte[] raw, Envelope envelope, JsonNode stored);
    }

    /** The verdict steps this server can run again; empty ones keep the stored section. */
    public record Steps(Optional<Step> classify, Optional<Step> score, Optional<Step> verify) {
        public static Steps none() {
            return new Steps(Optional.empty(), Optional.empty(), Optional.empty());
        }
    }

    /**
     * @param revision the revision the document now has: the stored one when unchanged, one more when changed
     * @param json the new revision's document, or null when unchanged
     * @param changed whether the normalised documents differ
     * @param differences top-level fields whose normalised values differ, in document order
     */
    public record Outcome(int revision, String json, boolean changed, List<String> differences) {
        public Outcome {
            differences = List.copyOf(differences);
        }
    }

    private final MessageParser parser;
    private final Steps steps;
    private final Clock clock;

    public Reparser(MessageParser parser, Steps steps, Clock clock) {
        this.parser = parser;
        this.steps = steps;
        this.clock = clock;
    }

    /**
     * @param raw the stored raw MIME
     * @param storedJson the latest stored document
     * @param storedRevision its revision (1: the document made at receipt)
     * @param reverify whether to take the authentication verdict again
     */
    public Outcome reparse(byte[] raw, String storedJson, int storedRevision, boolean reverify) {
        ObjectNode stored = read(storedJson);
        Envelope envelope = envelope(stored.path("envelope"));
        Instant now = clock.instant();
        Map<String, String> sections = new LinkedHashMap<>();
        section(sections, "auth", stored, reverify ? steps.verify() : Optional.empty(), raw, envelope, now)
            .ifPresent(auth -> sections.put("auth", withReceipt(auth, stored.get("auth"))));
        // A stored copy whose parts were stripped no longer holds what was classified: its verdict stays.
        boolean stripped = stored.path("security").hasNonNull("quarantine");
        section(sections, "security", stored, stripped ? Optional.empty() : steps.classify(), raw, envelope, now);
        section(sections, "spam", stored, steps.score(), raw, envelope, now);
        Instant receivedAt = Instant.parse(stored.path("receivedAt").asText());
        ObjectNode parsed = read(parser.parse(new ByteArrayInputStream(raw), envelope, receivedAt, sections).jsonText());
        // The idempotency key receivers upsert on is the stored one, even if its recipe changed since.
        parsed.set("id", stored.get("id"));
        List<String> differences = differences(normalised(stored), normalised(parsed));
        if (differences.isEmpty()) {
            return new Outcome(storedRevision, null, false, List.of());
        }
        int revision = storedRevision + 1;
        return new Outcome(revision, revised(parsed, revision, now).toString(), true, differences);
    }

    /** Puts the stored section, or the step's new one stamped with {@code now}; returns the new one when the step gave one. */
    private static Optional<String> section(Map<String, String> sections, String name, ObjectNode stored, Optional<Step> step,
                                            byte[] raw, Envelope envelope, Instant now) {
        JsonNode old = stored.has(name) ? stored.get(name) : JSON.nullNode();
        Optional<String> taken = step.flatMap(s -> s.take(raw, envelope, old)).map(json -> VerdictTime.stamp(json, now));
        if (taken.isPresent()) {
            sections.put(name, taken.get());
        } else if (stored.has(name)) {
            sections.put(name, old.toString());
        }
        return taken;
    }

    /** A re-verified auth keeps the verdict of receipt beside it (the first one, over several re-verifications). */
    private static String withReceipt(String auth, JsonNode previous) {
        ObjectNode node = read(auth);
        if (previous != null && !previous.isNull()) {
            JsonNode receipt = previous.has(AT_RECEIPT) ? previous.get(AT_RECEIPT) : previous;
            node.set(AT_RECEIPT, receipt);
        }
        return node.toString();
    }

    /** The document with {@code revision} and {@code revisedAt} after {@code receivedAt}. */
    private static ObjectNode revised(ObjectNode parsed, int revision, Instant now) {
        ObjectNode out = JSON.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = parsed.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            out.set(field.getKey(), field.getValue());
            if (field.getKey().equals("receivedAt")) {
                out.put(REVISION, revision);
                out.put(REVISED_AT, VerdictTime.format(now));
            }
        }
        return out;
    }

    /**
     * The document without what changes on every run: {@code parser}, {@code revision}, {@code revisedAt},
     * every verdict's {@code checkedAt} and a re-verified verdict's {@code atReceipt}.
     */
    static ObjectNode normalised(ObjectNode document) {
        ObjectNode copy = document.deepCopy();
        copy.remove(List.of("parser", REVISION, REVISED_AT, "event"));
        for (String verdict : List.of("auth", "security", "spam")) {
            if (copy.get(verdict) instanceof ObjectNode section) {
                section.remove(List.of(VerdictTime.FIELD, AT_RECEIPT));
            }
        }
        return copy;
    }

    private static List<String> differences(ObjectNode before, ObjectNode after) {
        Set<String> names = new LinkedHashSet<>();
        after.fieldNames().forEachRemaining(names::add);
        before.fieldNames().forEachRemaining(names::add);
        List<String> differences = new ArrayList<>();
        for (String name : names) {
            if (!java.util.Objects.equals(before.get(name), after.get(name))) {
                differences.add(name);
            }
        }
        return differences;
    }

    private static Envelope envelope(JsonNode node) {
        List<String> rcptTo = new ArrayList<>();
        node.path("rcptTo").forEach(rcpt -> rcptTo.add(rcpt.asText()));
        return new Envelope(text(node, "mailFrom"), rcptTo, text(node, "remoteAddress"), text(node, "remoteHost"), text(node, "helo"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static ObjectNode read(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            if (node instanceof ObjectNode object) {
                return object;
            }
            throw new IllegalArgumentException("a stored document is a JSON object, got " + node.getNodeType());
        } catch (IOException e) {
            throw new UncheckedIOException("stored document is not JSON: " + e.getMessage(), e);
        }
    }
}
