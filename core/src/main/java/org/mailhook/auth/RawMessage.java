package org.mailhook.auth;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A message as the authentication checks see it: the header fields exactly as received (folding
 * included) and the body, as ISO-8859-1 text so that every byte maps to one char and canonicalization
 * works on the original bytes. Bare LF line ends are turned into CRLF first, as every DKIM/ARC verifier
 * does for messages stored with Unix line ends.
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
    private final String body;

    private RawMessage(List<HeaderField> headers, String body) {
        this.headers = List.copyOf(headers);
        this.body = body;
    }

    public static RawMessage parse(byte[] bytes) {
        String text = toCrlf(new String(bytes, StandardCharsets.ISO_8859_1));
        List<HeaderField> headers = new ArrayList<>();
        int position = 0;
        int fieldStart = -1;
        while (position < text.length()) {
            int lineEnd = text.indexOf("\r\n", position);
            int next = lineEnd < 0 ? text.length() : lineEnd + 2;
            boolean continuation = text.charAt(position) == ' ' || text.charAt(position) == '\t';
            if (lineEnd == position) {
                // The empty line that ends the header.
                addField(headers, text, fieldStart, position);
                return new RawMessage(headers, text.substring(next));
            }
            if (!continuation) {
                addField(headers, text, fieldStart, position);
                fieldStart = position;
            }
            position = next;
        }
        addField(headers, text, fieldStart, text.length());
        return new RawMessage(headers, "");
    }

    private static void addField(List<HeaderField> headers, String text, int start, int end) {
        if (start < 0) {
            return;
        }
        String raw = text.substring(start, end);
        int colon = raw.indexOf(':');
        if (colon <= 0) {
            return;
        }
        headers.add(new HeaderField(raw.substring(0, colon).strip(), raw.endsWith("\r\n") ? raw : raw + "\r\n"));
    }

    private static String toCrlf(String text) {
        StringBuilder out = new StringBuilder(text.length() + 64);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' && (i == 0 || text.charAt(i - 1) != '\r')) {
                out.append('\r');
            }
            out.append(c);
        }
        return out.toString();
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

    /** The body after the empty line, CRLF line ends. */
    public String body() {
        return body;
    }
}
