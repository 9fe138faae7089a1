package org.mailhook.json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The time a verdict section ({@code auth}, {@code security}, {@code spam}) was taken, as its
 * {@code checkedAt} member: written by the step that takes the verdict, so a document tells a verdict of
 * receipt from one taken again later (docs/schema.md).
 */
public final class VerdictTime {
    public static final String FIELD = "checkedAt";
    private static final ObjectMapper JSON = new ObjectMapper();

    private VerdictTime() {
    }

    /** The verdict object {@code sectionJson} with {@code checkedAt} set to {@code at} (UTC, ms); anything else unchanged. */
    public static String stamp(String sectionJson, Instant at) {
        String trimmed = sectionJson.strip();
        if (trimmed.startsWith("{") && trimmed.endsWith("}") && !trimmed.contains('"' + FIELD + '"')) {
            // A fresh verdict (the usual case, once per mail and step): the member goes last, as put() would put it,
            // without reading the section into a tree and writing it again.
            String members = trimmed.substring(1, trimmed.length() - 1);
            return '{' + members + (members.isBlank() ? "" : ",") + '"' + FIELD + "\":\"" + format(at) + "\"}";
        }
        JsonNode section;
        try {
            section = JSON.readTree(sectionJson);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + e.getMessage(), e);
        }
        if (!(section instanceof ObjectNode object)) {
            return sectionJson;
        }
        object.put(FIELD, format(at));
        return object.toString();
    }

    /** An instant as documents write it: UTC, millisecond precision. */
    public static String format(Instant at) {
        return at.truncatedTo(ChronoUnit.MILLIS).toString();
    }
}
