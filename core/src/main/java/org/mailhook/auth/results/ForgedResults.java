package org.mailhook.auth.results;

import java.util.Locale;

/**
 * Spots Authentication-Results fields that claim to come from our own authserv-id: they arrived with
 * the message, so they are forged (or stale) and must go before we add ours (RFC 8601 section 5).
 */
public final class ForgedResults {
    private ForgedResults() {
    }

    /** Whether the header value names {@code authservId} as its author (comments and version ignored). */
    public static boolean claims(String headerValue, String authservId) {
        String id = authservId(headerValue);
        return id != null && id.equals(authservId.strip().toLowerCase(Locale.ROOT));
    }

    /** The authserv-id of an Authentication-Results value, lower-cased, or null when unreadable. */
    static String authservId(String headerValue) {
        String text = stripComments(headerValue.replace("\r\n", " ")).strip();
        int end = 0;
        while (end < text.length() && text.charAt(end) != ';' && !Character.isWhitespace(text.charAt(end))) {
            end++;
        }
        if (end == 0) {
            return null;
        }
        String id = text.substring(0, end);
        if (id.startsWith("\"") && id.endsWith("\"") && id.length() > 1) {
            id = id.substring(1, id.length() - 1);
        }
        return id.toLowerCase(Locale.ROOT);
    }

    private static String stripComments(String text) {
        StringBuilder out = new StringBuilder();
        int depth = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && depth > 0) {
                i++;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
                out.append(' ');
            } else if (depth == 0) {
                out.append(c);
            }
        }
        return out.toString();
    }
}
