package org.mailhook.auth;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A message as the authentication checks see it: the header fields exactly as received (folding
 * included), as ISO-8859-1 text so that every byte maps to one char, and the body as the original
 * bytes. Bare LF line ends are turned into CRLF first, as every DKIM/ARC verifier does for messages
 * stored with Unix line ends.
 */
public final class RawMessage {

    /** One header field; {@code raw} is the complete field including its final CRLF. */
    public record HeaderField(String name, String raw) {
        /** The text after the colon, folding kept, final CRLF removed. */
        public String value() {
            int colon = raw.indexOf(':');
            String value = raw.substring(colon + 1);
            return value.endsWith("\r\n") ? value.substring(0, value.length() - 2) : value;
        }

        public boolean is(String headerName) {
            return name.equalsIgnoreCase(headerName);
        }
    }

    private final List<HeaderField> headers;
    /** The message with CRLF line ends: the received array itself unless it had bare LFs. */
    private final byte[] bytes;
    private final int bodyStart;

    private RawMessage(List<HeaderField> headers, byte[] bytes, int bodyStart) {
        this.headers = List.copyOf(headers);
        this.bytes = bytes;
        this.bodyStart = bodyStart;
    }

    /**
     * Reads the header fields; the body stays where it is in {@code bytes}, which are not copied unless they
     * have bare LFs (a 40 MB mail is not turned into text to find its header).
     */
    public static RawMessage parse(byte[] received) {
        byte[] bytes = hasBareLf(received) ? toCrlf(received) : received;
        List<HeaderField> headers = new ArrayList<>();
        int position = 0;
        int fieldStart = -1;
        while (position < bytes.length) {
            int lineEnd = indexOfCrlf(bytes, position);
            int next = lineEnd < 0 ? bytes.length : lineEnd + 2;
            boolean continuation = bytes[position] == ' ' || bytes[position] == '\t';
            if (lineEnd == position) {
                // The empty line that ends the header.
                addField(headers, bytes, fieldStart, position);
                return new RawMessage(headers, bytes, next);
            }
            if (!continuation) {
                addField(headers, bytes, fieldStart, position);
                fieldStart = position;
            }
            position = next;
        }
        addField(headers, bytes, fieldStart, bytes.length);
        return new RawMessage(headers, bytes, bytes.length);
    }

    private static void addField(List<HeaderField> headers, byte[] bytes, int start, int end) {
        if (start < 0) {
            return;
        }
        String raw = new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
        int colon = raw.indexOf(':');
        if (colon <= 0) {
            return;
        }
        headers.add(new HeaderField(raw.substring(0, colon).strip(), raw.endsWith("\r\n") ? raw : raw + "\r\n"));
    }

    private static int indexOfCrlf(byte[] bytes, int from) {
        for (int i = from; i + 1 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static boolean hasBareLf(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n' && (i == 0 || bytes[i - 1] != '\r')) {
                return true;
            }
        }
        return false;
    }

    private static byte[] toCrlf(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 64);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n' && (i == 0 || bytes[i - 1] != '\r')) {
                out.write('\r');
            }
            out.write(bytes[i]);
        }
        return out.toByteArray();
    }

    /** All header fields, top to bottom. */
    public List<HeaderField> headers() {
        return headers;
    }

    /** The fields named {@code name} (case-insensitive), top to bottom. */
    public List<HeaderField> headers(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return headers.stream().filter(h -> h.name().toLowerCase(Locale.ROOT).equals(lower)).toList();
    }

    /** The body's bytes, CRLF line ends, read-only and not copied. */
    public ByteBuffer bodyBytes() {
        return ByteBuffer.wrap(bytes, bodyStart, bytes.length - bodyStart).slice().asReadOnlyBuffer();
    }
}
