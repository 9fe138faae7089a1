package org.mailhook.auth.dkim;

import java.util.Locale;

/** Header and body canonicalization, "simple" and "relaxed" (RFC 6376 section 3.4). */
public final class Canonicalization {
    private Canonicalization() {
    }

    /** A header field in canonical form, with its final CRLF. {@code raw} is the field as received. */
    public static String header(String raw, boolean relaxed) {
        if (!relaxed) {
            return raw.endsWith("\r\n") ? raw : raw + "\r\n";
        }
        int colon = raw.indexOf(':');
        String name = raw.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        String value = raw.substring(colon + 1).replace("\r\n", "").replaceAll("[ \\t]+", " ").strip();
        return name + ":" + value + "\r\n";
    }

    /** The canonical body, CRLF line ends assumed. */
    public static String body(String body, boolean relaxed) {
        String text = body;
        if (relaxed) {
            StringBuilder out = new StringBuilder(text.length());
            for (String line : text.split("\r\n", -1)) {
                out.append(line.replaceAll("[ \\t]+", " ").replaceAll(" $", "")).append("\r\n");
            }
            // split(-1) yields one extra empty "line" after the final CRLF.
            text = out.substring(0, out.length() - 2);
        }
        int end = text.length();
        while (end >= 2 && text.startsWith("\r\n", end - 2)) {
            end -= 2;
        }
        text = text.substring(0, end);
        if (text.isEmpty()) {
            return relaxed ? "" : "\r\n";
        }
        return text + "\r\n";
    }
}
