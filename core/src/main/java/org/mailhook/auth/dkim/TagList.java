package org.mailhook.auth.dkim;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A DKIM tag=value list (RFC 6376 section 3.2), as used by DKIM-Signature, key records and the ARC
 * headers. Whitespace around tags and values is dropped; a duplicate tag makes the list invalid.
 */
public final class TagList {
    private final Map<String, String> tags;

    private TagList(Map<String, String> tags) {
        this.tags = tags;
    }

    /** Parses the list, or empty when it breaks the syntax (duplicate tag, missing '='). */
    public static Optional<TagList> parse(String text) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String spec : text.split(";", -1)) {
            if (spec.isBlank()) {
                continue;
            }
            int equals = spec.indexOf('=');
            if (equals < 0) {
                return Optional.empty();
            }
            String name = spec.substring(0, equals).strip();
            if (name.isEmpty() || !name.matches("[A-Za-z][A-Za-z0-9_]*") || tags.containsKey(name)) {
                return Optional.empty();
            }
            tags.put(name, spec.substring(equals + 1).strip());
        }
        return Optional.of(new TagList(tags));
    }

    public String get(String tag) {
        return tags.get(tag);
    }

    public String getOrDefault(String tag, String defaultValue) {
        return tags.getOrDefault(tag, defaultValue);
    }

    public boolean has(String tag) {
        return tags.containsKey(tag);
    }

    /** The first tag's name (key records must start with {@code v=} when they carry one). */
    public String firstTag() {
        return tags.isEmpty() ? null : tags.keySet().iterator().next();
    }

    /** The value with all whitespace (folding) removed, as for base64 tags. */
    public String compact(String tag) {
        String value = tags.get(tag);
        return value == null ? null : value.replaceAll("[ \\t\\r\\n]", "");
    }
}
