package org.mailhook.json;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.util.Base64;
import java.util.Map;

import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;

/**
 * RFC 2047 encoded words decoded exactly as mime4j's {@code DecoderUtil.decodeEncodedWords} decodes them
 * (same walk over the text, same joining of adjacent words), but each well-formed
 * word is decoded in one pass instead of through a decoding stream per word, which made long headers of
 * many words the slowest thing the parser did. A text with any word outside the well-formed subset
 * (blanks or bytes beyond ASCII in it, a damaged {@code =XX}, base64 of the wrong length) is handed to
 * mime4j whole, so damaged input is read exactly as before. Labels are resolved by {@link CharsetLabels};
 * mime4j only knows the JDK's names, so callers give it words whose labels are JDK names
 * ({@code HeaderValues.readableWords}).
 */
final class EncodedWords {
    private EncodedWords() {
    }

    /** Words in an unknown charset stay encoded; {@code overrides} replaces a resolved charset by a superset. */
    static String decode(String text, Map<Charset, Charset> overrides) {
        if (text.indexOf("=?") < 0) {
            return text;
        }
        String decoded = decodeWellFormed(text, overrides);
        return decoded != null ? decoded : DecoderUtil.decodeEncodedWords(text, DecodeMonitor.SILENT, null, overrides);
    }

    /** mime4j's walk (DecoderUtil 0.8.12); null as soon as a word needs mime4j's lenient decoding. */
    static String decodeWellFormed(String body, Map<Charset, Charset> overrides) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringBuilder sb = new StringBuilder(body.length());
        int position = 0;
        String mimeCharset = "";
        String encoding = "";
        while (position < body.length()) {
            int startPattern = body.indexOf("=?", position);
            if (startPattern < 0) {
                flush(out, sb, mimeCharset, overrides);
                sb.append(body, position, body.length());
                break;
            }
            int charsetEnd = body.indexOf('?', startPattern + 2);
            int encodingEnd = charsetEnd < 0 ? -1 : body.indexOf('?', charsetEnd + 1);
            int encodedTextEnd = encodingEnd < 0 ? -1 : body.indexOf("?=", encodingEnd + 1);
            if (charsetEnd < 0 || encodingEnd < 0 || encodedTextEnd < 0) {
                flush(out, sb, mimeCharset, overrides);
                sb.append(body, position, startPattern + 2);
                position = startPattern + 2;
            } else if (encodingEnd == encodedTextEnd) {
                flush(out, sb, mimeCharset, overrides);
                sb.append(body, position, Math.min(encodedTextEnd + 2, body.length()));
                position = encodedTextEnd + 2;
            } else {
                if ((!isBlank(body, position, startPattern) || position == 0) && startPattern > position) {
                    flush(out, sb, mimeCharset, overrides);
                    sb.append(body, position, startPattern);
                }
                String curCharset = body.substring(startPattern + 2, charsetEnd);
                String curEncoding = body.substring(charsetEnd + 1, encodingEnd);
                if (!mimeCharset.isEmpty() && !curCharset.equals(mimeCharset)) {
                    flush(out, sb, mimeCharset, overrides);
                }
                if (!encoding.isEmpty() && !curEncoding.equals(encoding)) {
                    flush(out, sb, mimeCharset, overrides);
                }
                mimeCharset = curCharset;
                encoding = curEncoding;
                if (encodedTextEnd == encodingEnd + 1) {
                    position = encodedTextEnd + 2;
                    continue;
                }
                Charset charset = charset(curCharset, overrides);
                boolean q = curEncoding.equalsIgnoreCase("Q");
                if (charset == null || !(q || curEncoding.equalsIgnoreCase("B"))) {
                    sb.append(body, startPattern, encodedTextEnd + 2); // left encoded, as mime4j does
                } else if (!(q ? decodeQ(body, encodingEnd + 1, encodedTextEnd, out) : decodeB(body, encodingEnd + 1, encodedTextEnd, out))) {
                    return null;
                }
                position = encodedTextEnd + 2;
            }
        }
        flush(out, sb, mimeCharset, overrides);
        return sb.toString();
    }

    private static void flush(ByteArrayOutputStream out, StringBuilder sb, String mimeCharset, Map<Charset, Charset> overrides) {
        if (out.size() > 0) {
            sb.append(new String(out.toByteArray(), charset(mimeCharset, overrides)));
            out.reset();
        }
    }

    /** The label through {@link CharsetLabels} (mime4j's look-up, {@code Charset.forName}, knows fewer), then the override. */
    private static Charset charset(String mimeCharset, Map<Charset, Charset> overrides) {
        Charset charset = CharsetLabels.charset(mimeCharset);
        if (charset == null) {
            return null;
        }
        Charset override = overrides.get(charset);
        return override != null ? override : charset;
    }

    /** mime4j's whitespace: space, tab, CR, LF. */
    private static boolean isBlank(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                return false;
            }
        }
        return true;
    }

    private static boolean decodeQ(String text, int from, int to, ByteArrayOutputStream out) {
        byte[] bytes = wellFormedQ(text, from, to);
        if (bytes == null) {
            return false;
        }
        out.writeBytes(bytes);
        return true;
    }

    /**
     * The bytes of Q text {@code text[from, to)} ({@code _} a space, {@code =XX} a byte) when it is printable
     * ASCII with every {@code =} followed by two hex digits; null otherwise (mime4j's lenient reading applies).
     */
    static byte[] wellFormedQ(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c >= 0x7F) {
                return null;
            }
            if (c == '=' && (i + 2 >= to || hex(text.charAt(i + 1)) < 0 || hex(text.charAt(i + 2)) < 0)) {
                return null;
            }
        }
        byte[] bytes = new byte[to - from];
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '=') {
                bytes[n++] = (byte) (hex(text.charAt(i + 1)) << 4 | hex(text.charAt(i + 2)));
                i += 2;
            } else {
                bytes[n++] = (byte) (c == '_' ? ' ' : c);
            }
        }
        return java.util.Arrays.copyOf(bytes, n);
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        } else if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        } else if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }

    /** B text of whole base64 quanta, padding only at the end; false leaves {@code out} as it was. */
    private static boolean decodeB(String text, int from, int to, ByteArrayOutputStream out) {
        int length = to - from;
        if (length % 4 != 0) {
            return false;
        }
        int padding = text.charAt(to - 1) == '=' ? (text.charAt(to - 2) == '=' ? 2 : 1) : 0;
        for (int i = from; i < to - padding; i++) {
            char c = text.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/')) {
                return false;
            }
        }
        byte[] ascii = new byte[length];
        for (int i = 0; i < length; i++) {
            ascii[i] = (byte) text.charAt(from + i);
        }
        out.writeBytes(Base64.getDecoder().decode(ascii));
        return true;
    }
}
