package org.mailhook.json;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.apache.james.mime4j.stream.NameValuePair;
import org.apache.james.mime4j.stream.ParserCursor;
import org.apache.james.mime4j.stream.RawBody;
import org.apache.james.mime4j.stream.RawFieldParser;
import org.apache.james.mime4j.util.ByteArrayBuffer;

/**
 * A parameterised header value ({@code Content-Type}, {@code Content-Disposition}): the main value and
 * its parameters, with RFC 2231 continuations and charsets, RFC 2047 encoded words (which many mailers
 * put in quoted filenames) and raw 8-bit bytes all decoded. mime4j tokenises; its own RFC 2231 mapping
 * is not used because it joins sections in hash order and URL-decodes {@code +} as a space.
 */
record MimeParameters(String value, Map<String, String> parameters) {
    private static final java.util.regex.Pattern SLASH = java.util.regex.Pattern.compile("\\s*/\\s*");

    static MimeParameters parse(String raw) {
        if (raw == null) {
            return new MimeParameters(null, Map.of());
        }
        byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
        RawBody body = RawFieldParser.DEFAULT.parseRawBody(new ByteArrayBuffer(bytes, true),
            new ParserCursor(0, bytes.length));
        Map<String, String> plain = new LinkedHashMap<>();
        Map<String, TreeMap<Integer, NameValuePair>> sections = new LinkedHashMap<>();
        for (NameValuePair pair : body.getParams()) {
            String name = Charsets.redecode(pair.getName()).strip().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            String value = pair.getValue() == null ? "" : pair.getValue();
            int star = name.indexOf('*');
            if (star < 0) {
                plain.putIfAbsent(name, EncodedWords.decode(Charsets.redecode(value)));
                continue;
            }
            String base = name.substring(0, star);
            String rest = name.substring(star + 1);
            boolean encoded = rest.endsWith("*") || rest.isEmpty();
            String number = rest.endsWith("*") ? rest.substring(0, rest.length() - 1) : rest;
            int index;
            try {
                index = number.isEmpty() ? 0 : Integer.parseInt(number);
            } catch (NumberFormatException e) {
                continue;
            }
            sections.computeIfAbsent(base, k -> new TreeMap<>())
                .putIfAbsent(index, new NameValuePair(encoded ? "*" : "", value));
        }
        Map<String, String> parameters = new LinkedHashMap<>(plain);
        sections.forEach((name, parts) -> parameters.put(name, joinRfc2231(parts)));
        String value = body.getValue() == null ? null
            : SLASH.matcher(Charsets.redecode(body.getValue()).strip().toLowerCase(Locale.ROOT)).replaceAll("/");
        return new MimeParameters(value, parameters);
    }

    String get(String name) {
        return parameters.get(name);
    }

    private static String joinRfc2231(TreeMap<Integer, NameValuePair> parts) {
        Charset charset = null;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean first = true;
        for (NameValuePair part : parts.values()) {
            String value = part.getValue();
            boolean encoded = part.getName().equals("*");
            if (first && encoded) {
                int q1 = value.indexOf('\'');
                int q2 = q1 < 0 ? -1 : value.indexOf('\'', q1 + 1);
                if (q2 > 0) {
                    charset = Charsets.lookup(value.substring(0, q1));
                    value = value.substring(q2 + 1);
                }
            }
            first = false;
            if (encoded) {
                percentDecode(value, bytes);
            } else {
                byte[] literal = value.getBytes(StandardCharsets.ISO_8859_1);
                bytes.write(literal, 0, literal.length);
            }
        }
        byte[] all = bytes.toByteArray();
        return charset != null ? new String(all, charset) : Charsets.decodeUnlabelled(all, all.length);
    }

    private static void percentDecode(String value, ByteArrayOutputStream out) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%' && i + 2 < value.length()
                && Character.digit(value.charAt(i + 1), 16) >= 0 && Character.digit(value.charAt(i + 2), 16) >= 0) {
                out.write(Character.digit(value.charAt(i + 1), 16) * 16 + Character.digit(value.charAt(i + 2), 16));
                i += 2;
            } else if (c <= 0xFF) {
                out.write(c);
            } else {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(utf8, 0, utf8.length);
            }
        }
    }
}
