package org.mailhook.doctor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code tag=value; tag=value} syntax shared by DKIM keys (RFC 6376 3.2), DMARC (RFC 7489 6.4),
 * MTA-STS (RFC 8461 3.1) and TLS-RPT (RFC 8460 3) records. Parsing never throws: a malformed list
 * carries an {@link #error()}.
 */
final class TagList {
    private final Map<String, String> tags;
    private final String error;

    private TagList(Map<String, String> tags, String error) {
        this.tags = tags;
        this.error = error;
    }

    static TagList parse(String text) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String part : text.split(";", -1)) {
            String item = part.strip();
            if (item.isEmpty()) {
                continue;
            }
            int eq = item.indexOf('=');
            if (eq <= 0) {
                return new TagList(tags, "'" + item + "' is not tag=value");
            }
            String tag = item.substring(0, eq).strip();
            if (!tag.matches("[A-Za-z][A-Za-z0-9_]*")) {
                return new TagList(tags, "'" + tag + "' is not a valid tag name");
            }
            if (tags.putIfAbsent(tag, item.substring(eq + 1).strip()) != null) {
                return new TagList(tags, "tag '" + tag + "' appears twice");
            }
        }
        return new TagList(tags, null);
    }

    Optional<String> error() {
        return Optional.ofNullable(error);
    }

    /** The first tag's name, or empty for an empty list. */
    Optional<String> firstTag() {
        return tags.keySet().stream().findFirst();
    }

    Optional<String> get(String tag) {
        return Optional.ofNullable(tags.get(tag));
    }

    boolean has(String tag) {
        return tags.containsKey(tag);
    }
}
