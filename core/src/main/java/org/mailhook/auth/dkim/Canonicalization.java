package org.mailhook.auth.dkim;

import java.util.Arrays;
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

    /**
     * The canonical body (CRLF line ends assumed) as the bytes to hash ({@code body} holds one byte per char, ISO-8859-1). One pass
     * over the body: this runs for every signed mail, and a regex per line cost more than the hash itself.
     */
    public static byte[] body(String body, boolean relaxed) {
        byte[] out = new byte[body.length() + 2];
        int length = 0;
        boolean pendingSpace = false;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (relaxed && (c == ' ' || c == '\t')) {
                // Runs of WSP become one SP, and WSP at the end of a line goes (RFC 6376 3.4.4).
                pendingSpace = true;
                continue;
            }
            if (relaxed && c == '\r' && i + 1 < body.length() && body.charAt(i + 1) == '\n') {
                pendingSpace = false;
            }
            if (pendingSpace) {
                out[length++] = ' ';
                pendingSpace = false;
            }
            out[length++] = (byte) c;
        }
        // Empty lines at the end of the body are ignored (3.4.3, 3.4.4).
        while (length >= 2 && out[length - 2] == '\r' && out[length - 1] == '\n') {
            length -= 2;
        }
        if (length == 0) {
            return relaxed ? new byte[0] : new byte[] {'\r', '\n'};
        }
        out[length++] = '\r';
        out[length++] = '\n';
        return Arrays.copyOf(out, length);
    }
}
