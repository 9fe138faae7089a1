package org.mailhook.json;

import java.io.IOException;
import java.util.Arrays;

import com.fasterxml.jackson.core.JsonGenerator;

/**
 * Long strings (body text and HTML) escaped for JSON straight into one UTF-8 buffer and handed to the
 * generator as raw UTF-8, instead of through a generator per piece and its copies. The bytes are
 * exactly those Jackson's {@code UTF8JsonGenerator} writes with its defaults (checked by
 * {@code JsonTextTest}): quote and backslash escaped with a backslash, the controls b, t, n, f, r
 * likewise, other controls and each surrogate char as a six-character u escape with upper-case hex
 * (Jackson 2.18 does not combine surrogate pairs by default), everything else UTF-8 as is.
 */
final class JsonText {
    /** 0: as is; > 0: a two-character escape ending in that character; -1: a six-character u escape. */
    private static final int[] ESCAPES = new int[128];
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPES[c] = -1;
        }
        ESCAPES['"'] = '"';
        ESCAPES['\\'] = '\\';
        ESCAPES['\b'] = 'b';
        ESCAPES['\t'] = 't';
        ESCAPES['\f'] = 'f';
        ESCAPES['\n'] = 'n';
        ESCAPES['\r'] = 'r';
    }

    private byte[] bytes = new byte[256];
    private int length;

    /** The escaped bytes so far ({@link #length()} of them). */
    byte[] bytes() {
        return bytes;
    }

    int length() {
        return length;
    }

    void clear() {
        length = 0;
    }

    /** Appends the escape of {@code text[from, to)}; returns the new length (where this piece ends). */
    int append(String text, int from, int to) {
        int p = length;
        int i = from;
        while (i < to) {
            // room for the rest as plain ASCII plus one character's longest escape; grown geometrically
            if (bytes.length - p < (to - i) + 6) {
                length = p;
                ensure((to - i) + 6);
            }
            byte[] out = bytes;
            char c = text.charAt(i);
            // a run of characters written as they are: most of any text
            while (c < 0x80 && ESCAPES[c] == 0) {
                out[p++] = (byte) c;
                if (++i == to) {
                    length = p;
                    return p;
                }
                c = text.charAt(i);
            }
            if (c < 0x80) {
                int escape = ESCAPES[c];
                if (escape > 0) {
                    out[p++] = '\\';
                    out[p++] = (byte) escape;
                } else {
                    p = unicodeEscape(out, p, c);
                }
            } else if (c < 0x800) {
                out[p++] = (byte) (0xC0 | (c >> 6));
                out[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (c >= 0xD800 && c <= 0xDFFF) {
                p = unicodeEscape(out, p, c);
            } else {
                out[p++] = (byte) (0xE0 | (c >> 12));
                out[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                out[p++] = (byte) (0x80 | (c & 0x3F));
            }
            i++;
        }
        length = p;
        return p;
    }

    /** Writes {@code bytes[from, to)} as one JSON string value. */
    void write(JsonGenerator json, int from, int to) throws IOException {
        json.writeRawUTF8String(bytes, from, to - from);
    }

    private static int unicodeEscape(byte[] out, int p, char c) {
        out[p++] = '\\';
        out[p++] = 'u';
        out[p++] = HEX[(c >> 12) & 0xF];
        out[p++] = HEX[(c >> 8) & 0xF];
        out[p++] = HEX[(c >> 4) & 0xF];
        out[p++] = HEX[c & 0xF];
        return p;
    }

    private void ensure(int more) {
        if (bytes.length - length < more) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more + (more >> 2)));
        }
    }
}
