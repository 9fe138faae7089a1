package org.mailhook.json;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;

/**
 * RFC 2047 encoded words: the one owner of their decoding. {@link #decode} is what the document shows:
 * labels that mime4j does not know are made readable first ({@link #readableWords}: aliases resolved by
 * {@link CharsetLabels}, UTF-7 and unknown charsets decoded here), then the words are decoded
 * {@linkplain #decodeLikeMime4j exactly as mime4j's} {@code DecoderUtil.decodeEncodedWords} decodes them
 * (same walk over the text, same joining of adjacent words), but each well-formed word in one pass
 * instead of through a decoding stream per word, which made long headers of many words the slowest thing
 * the parser did. A text with any word outside the well-formed subset (blanks or bytes beyond ASCII in
 * it, a damaged {@code =XX}, base64 of the wrong length) is handed to mime4j whole, so damaged input is
 * read exactly as mime4j reads it.
 */
final class EncodedWords {
    /** A fold inside an encoded word (broken folding by the sender): the word is joined again. */
    private static final Pattern FOLD_IN_WORD = Pattern.compile("(=\\?[^?\\s]{1,40}\\?[QqBb]\\?[^?\\s]*) (?=[^?\\s]*\\?=)");

    private EncodedWords() {
    }

    /** Encoded words that a sender folded in the middle (a blank inside the word) joined again. */
    static String joinFoldedWords(String unfolded) {
        return hasFoldInWord(unfolded) ? FOLD_IN_WORD.matcher(unfolded).replaceAll("$1") : unfolded;
    }

    /**
     * Whether {@link #FOLD_IN_WORD} has anything to join: an encoded word whose text runs into a space and
     * goes on to its {@code ?=}. Checked in one pass first, as the expression is slow on headers of
     * thousands of encoded words.
     */
    private static boolean hasFoldInWord(String value) {
        for (int start = value.indexOf("=?"); start >= 0; start = value.indexOf("=?", start + 1)) {
            int i = start + 2;
            int charsetEnd = i;
            while (charsetEnd < value.length() && charsetEnd - i <= 40 && value.charAt(charsetEnd) != '?'
                && !isRegexSpace(value.charAt(charsetEnd))) {
                charsetEnd++;
            }
            int textStart = charsetEnd + 3;
            if (charsetEnd == i || charsetEnd - i > 40 || textStart > value.length() || value.charAt(charsetEnd) != '?'
                || "QqBb".indexOf(value.charAt(charsetEnd + 1)) < 0 || value.charAt(charsetEnd + 2) != '?') {
                continue;
            }
            int textEnd = textStart;
            while (textEnd < value.length() && value.charAt(textEnd) != '?' && !isRegexSpace(value.charAt(textEnd))) {
                textEnd++;
            }
            if (textEnd < value.length() && value.charAt(textEnd) == ' ') {
                int rest = textEnd + 1;
                while (rest < value.length() && value.charAt(rest) != '?' && !isRegexSpace(value.charAt(rest))) {
                    rest++;
                }
                if (value.startsWith("?=", rest)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@code \s} of java.util.regex. */
    private static boolean isRegexSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    /** RFC 2047 encoded words decoded; a word in an unknown charset is read as UTF-8 when valid, else windows-1252. */
    static String decode(String unfolded) {
        return decode(unfolded, null);
    }

    /** {@link #decode(String)}, telling {@code unknownLabels} (when not null) each unknown charset label. */
    static String decode(String unfolded, Consumer<String> unknownLabels) {
        if (!unfolded.contains("=?")) {
            return unfolded;
        }
        try {
            return decodeLikeMime4j(readableWords(unfolded, unknownLabels), CharsetLabels.SUPERSETS);
        } catch (RuntimeException e) {
            return unfolded;
        }
    }

    /**
     * Encoded words as mime4j can read them: a label that is not a JDK name of its charset (a Python or
     * WHATWG alias, an RFC 2231 language after it) written as the JDK name of the charset that
     * {@link CharsetLabels} resolves it to, and the words mime4j
     * cannot decode at all, UTF-7 and unknown charsets, decoded here and encoded again as UTF-8 B words
     * (same adjacency rules). A value without a label to change is returned as it is.
     */
    static String readableWords(String value, Consumer<String> unknownLabels) {
        StringBuilder out = null;
        int copied = 0;
        int start = value.indexOf("=?");
        while (start >= 0) {
            int labelEnd = value.indexOf('?', start + 2);
            if (labelEnd < 0) {
                break;
            }
            int next = start + 2;
            if (labelEnd - start <= 62 && labelEnd + 2 < value.length() && value.charAt(labelEnd + 2) == '?'
                && "QqBb".indexOf(value.charAt(labelEnd + 1)) >= 0 && !hasBlank(value, start + 2, labelEnd)) {
                String label = value.substring(start + 2, labelEnd);
                CharsetLabels.Resolution resolution = CharsetLabels.resolve(label);
                Charset charset = resolution.charset();
                String replacement = null;
                int replacedEnd = labelEnd;
                if (charset == null || charset == Charsets.UTF_7) {
                    int textEnd = value.indexOf('?', labelEnd + 3);
                    if (textEnd > 0 && value.startsWith("?=", textEnd) && !hasBlank(value, labelEnd + 3, textEnd)) {
                        if (charset == null && unknownLabels != null) {
                            unknownLabels.accept(label);
                        }
                        replacement = wordAsUtf8(label, value.charAt(labelEnd + 1), value.substring(labelEnd + 3, textEnd), charset);
                        replacedEnd = textEnd + 2;
                    }
                } else if (!resolution.jdkName()) {
                    replacement = charset.name();
                }
                if (replacement != null) {
                    if (out == null) {
                        out = new StringBuilder(value.length() + 16);
                    }
                    int replacedStart = replacedEnd == labelEnd ? start + 2 : start;
                    out.append(value, copied, replacedStart).append(replacement);
                    copied = replacedEnd;
                    next = replacedEnd;
                }
            }
            start = value.indexOf("=?", next);
        }
        return out == null ? value : out.append(value, copied, value.length()).toString();
    }

    private static boolean hasBlank(String value, int from, int to) {
        for (int i = from; i < to; i++) {
            if (isRegexSpace(value.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The encoded word's text decoded (UTF-7, or with a null {@code charset} as UTF-8 when valid, else
     * windows-1252) and encoded again as a UTF-8 B word; a B word that is not base64 stays as it was.
     */
    private static String wordAsUtf8(String label, char encoding, String encoded, Charset charset) {
        byte[] bytes;
        if (encoding == 'B' || encoding == 'b') {
            try {
                bytes = Base64.getMimeDecoder().decode(encoded);
            } catch (IllegalArgumentException e) {
                bytes = wholeSextets(encoded);
                if (bytes == null) {
                    return "=?" + label + "?" + encoding + "?" + encoded + "?=";
                }
            }
        } else {
            bytes = qDecoded(encoded);
        }
        String text = charset != null ? new String(bytes, charset) : Charsets.decodeUnlabelled(bytes, bytes.length);
        return "=?UTF-8?B?" + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)) + "?=";
    }

    /**
     * Base64 with wrong padding ({@code VEVTVA=}), read as mailparser and postal-mime read it: the
     * alphabet's characters in order, a lone last one dropped; null when nothing is left.
     */
    private static byte[] wholeSextets(String encoded) {
        StringBuilder sextets = new StringBuilder(encoded.length() + 3);
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/') {
                sextets.append(c);
            }
        }
        if (sextets.length() % 4 == 1) {
            sextets.setLength(sextets.length() - 1); // six bits make no byte
        }
        if (sextets.length() == 0) {
            return null;
        }
        return Base64.getDecoder().decode(sextets.append("==", 0, (4 - sextets.length() % 4) % 4).toString());
    }

    /** RFC 2047 4.2 Q encoding: {@code _} is a space, {@code =XX} a byte. */
    private static byte[] qDecoded(String encoded) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            int high = i + 2 < encoded.length() ? Character.digit(encoded.charAt(i + 1), 16) : -1;
            int low = i + 2 < encoded.length() ? Character.digit(encoded.charAt(i + 2), 16) : -1;
            if (c == '=' && high >= 0 && low >= 0) {
                out.write(high * 16 + low);
                i += 2;
            } else {
                out.write(c == '_' ? ' ' : c);
            }
        }
        return out.toByteArray();
    }

    /** Words in an unknown charset stay encoded; {@code overrides} replaces a resolved charset by a superset. */
    static String decodeLikeMime4j(String text, Map<Charset, Charset> overrides) {
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
