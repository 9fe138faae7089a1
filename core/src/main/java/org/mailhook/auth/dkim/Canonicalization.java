package org.mailhook.auth.dkim;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
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
     * Writes the canonical body (CRLF line ends assumed) to {@code out} and returns its length. One pass,
     * nothing held but a small buffer: the body of a 40 MB mail is hashed as it is canonicalized. Runs of
     * WSP become one SP and WSP at the end of a line goes (relaxed, RFC 6376 3.4.4); empty lines at the
     * end are ignored (3.4.3, 3.4.4): they are only written once content follows them.
     */
    public static long body(ByteBuffer body, boolean relaxed, OutputStream out) throws IOException {
        Buffered sink = new Buffered(out);
        int pendingLineEnds = 0;
        boolean pendingSpace = false;
        boolean content = false;
        int end = body.limit();
        for (int i = body.position(); i < end; i++) {
            byte c = body.get(i);
            if (relaxed && (c == ' ' || c == '\t')) {
                pendingSpace = true;
                continue;
            }
            if (c == '\r' && i + 1 < end && body.get(i + 1) == '\n') {
                pendingSpace = false;
                pendingLineEnds++;
                i++;
                continue;
            }
            for (; pendingLineEnds > 0; pendingLineEnds--) {
                sink.write('\r');
                sink.write('\n');
            }
            if (pendingSpace) {
                sink.write(' ');
                pendingSpace = false;
            }
            sink.write(c);
            content = true;
        }
        if (content || !relaxed) {
            // the last line's CRLF; an empty body is one CRLF in "simple" and nothing in "relaxed"
            sink.write('\r');
            sink.write('\n');
        }
        sink.flush();
        return sink.written;
    }

    private static final class Buffered {
        private final OutputStream out;
        private final byte[] buffer = new byte[8192];
        private int used;
        private long written;

        Buffered(OutputStream out) {
            this.out = out;
        }

        void write(int b) throws IOException {
            if (used == buffer.length) {
                flush();
            }
            buffer[used++] = (byte) b;
            written++;
        }

        void flush() throws IOException {
            out.write(buffer, 0, used);
            used = 0;
        }
    }
}
