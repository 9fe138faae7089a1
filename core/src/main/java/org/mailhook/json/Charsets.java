package org.mailhook.json;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Bytes into text. Labels become charsets through {@link CharsetLabels} (which reads a legacy label as its
 * Windows superset); bytes without a usable label are read as UTF-8 when they are valid UTF-8, else as
 * windows-1252.
 */
final class Charsets {
    private static final Charset WINDOWS_1252 = CharsetLabels.WINDOWS_1252;

    /** UTF-7 (RFC 2152), from jutf7. */
    static final Charset UTF_7 = CharsetLabels.UTF_7;

    private Charsets() {
    }

    /**
     * The charset for a declared label, or null when the label is absent, ASCII (which says nothing
     * useful about 8-bit bytes) or unknown.
     */
    static Charset lookup(String label) {
        CharsetLabels.Resolution resolution = CharsetLabels.resolve(label);
        return resolution.ascii() ? null : resolution.charset();
    }

    static boolean isKnownOrAscii(String label) {
        return label == null || CharsetLabels.resolve(label).known();
    }

    /**
     * Decodes bytes in the declared charset. Without a usable label the bytes are read as UTF-8 when
     * they are valid UTF-8, else as windows-1252, so 8-bit text is never lost to replacement characters.
     */
    static String decode(byte[] bytes, int length, String label) {
        Charset charset = lookup(label);
        if (charset != null) {
            return new String(bytes, 0, length, charset);
        }
        return decodeUnlabelled(bytes, length);
    }

    /**
     * Text of a body part, whether the declared charset had to be overridden, and whether some bytes
     * were not valid in the charset (they became U+FFFD).
     */
    record Decoded(String text, String overriddenBy, boolean undecodable) {
    }

    private static final java.util.regex.Pattern META_CHARSET = java.util.regex.Pattern.compile(
        "(?i)<meta[^>]{0,200}?charset\\s*=\\s*[\"']?([A-Za-z0-9_.:-]{1,40})");

    /**
     * Decodes a body part. Two repairs for what senders get wrong: HTML without a MIME charset uses its
     * {@code <meta charset>}; and bytes declared in a legacy charset that are valid, non-ASCII UTF-8 are
     * read as UTF-8 (mislabelled UTF-8 is common, while legacy text that happens to be valid UTF-8 is rare).
     */
    static Decoded decodeBody(byte[] bytes, int length, String label, boolean html) {
        String declared = label;
        if (declared == null && html) {
            java.util.regex.Matcher meta = META_CHARSET.matcher(
                new String(bytes, 0, Math.min(length, 2048), StandardCharsets.ISO_8859_1));
            if (meta.find()) {
                declared = meta.group(1);
            }
        }
        Charset charset = lookup(declared);
        if (charset == null) {
            return new Decoded(decodeUnlabelled(bytes, length), null, false);
        }
        String name = charset.name().toUpperCase(Locale.ROOT);
        if (!name.startsWith("UTF-") && !name.contains("2022") && !isAscii(bytes, length)) {
            String utf8 = strictUtf8(bytes, length);
            if (utf8 != null) {
                return new Decoded(utf8, "UTF-8", false);
            }
        }
        String text = new String(bytes, 0, length, charset);
        boolean undecodable = text.indexOf('\uFFFD') >= 0 && !isValid(bytes, length, charset);
        if (undecodable && charset.equals(StandardCharsets.UTF_8)) {
            text = utf8Replacing(bytes, length);
        }
        return new Decoded(text, null, undecodable);
    }
    /**
     * UTF-8 with each invalid sequence replaced as the WHATWG Encoding Standard's decoder replaces it (one
     * U+FFFD per maximal subpart, Unicode 3.9), as browsers and mailparser/postal-mime do. The JDK's decoder
     * differs on a few sequences (surrogate bytes {@code ED A0}-{@code ED BF} become one U+FFFD, not two); used
     * only for text that is not valid UTF-8.
     */
    static String utf8Replacing(byte[] bytes, int length) {
        StringBuilder text = new StringBuilder(length);
        int needed = 0;
        int seen = 0;
        int codePoint = 0;
        int lower = 0x80;
        int upper = 0xBF;
        int i = 0;
        while (i < length) {
            int b = bytes[i] & 0xFF;
            if (needed == 0) {
                i++;
                if (b < 0x80) {
                    text.append((char) b);
                } else if (b >= 0xC2 && b <= 0xDF) {
                    needed = 1;
                    codePoint = b & 0x1F;
                } else if (b >= 0xE0 && b <= 0xEF) {
                    lower = b == 0xE0 ? 0xA0 : 0x80;
                    upper = b == 0xED ? 0x9F : 0xBF;
                    needed = 2;
                    codePoint = b & 0x0F;
                } else if (b >= 0xF0 && b <= 0xF4) {
                    lower = b == 0xF0 ? 0x90 : 0x80;
                    upper = b == 0xF4 ? 0x8F : 0xBF;
                    needed = 3;
                    codePoint = b & 0x07;
                } else {
                    text.append('\uFFFD');
                }
                continue;
            }
            if (b < lower || b > upper) {
                // the sequence so far is one replacement; this byte starts afresh
                needed = 0;
                seen = 0;
                lower = 0x80;
                upper = 0xBF;
                text.append('\uFFFD');
                continue;
            }
            i++;
            lower = 0x80;
            upper = 0xBF;
            codePoint = codePoint << 6 | (b & 0x3F);
            if (++seen == needed) {
                text.appendCodePoint(codePoint);
                needed = 0;
                seen = 0;
            }
        }
        if (needed != 0) {
            text.append('\uFFFD');
        }
        return text.toString();
    }

    /** Whether the bytes are valid in the charset (asked only when the text has U+FFFD, which valid bytes may encode). */
    private static boolean isValid(byte[] bytes, int length, Charset charset) {
        return strictly(bytes, length, charset) != null;
    }

    /** The text, or null when a byte is not valid in the charset. */
    private static CharBuffer strictly(byte[] bytes, int length, Charset charset) {
        try {
            return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, length));
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String strictUtf8(byte[] bytes, int length) {
        CharBuffer text = strictly(bytes, length, StandardCharsets.UTF_8);
        return text == null ? null : text.toString();
    }

    static String decodeUnlabelled(byte[] bytes, int length) {
        if (isAscii(bytes, length)) {
            return new String(bytes, 0, length, StandardCharsets.US_ASCII);
        }
        String utf8 = strictUtf8(bytes, length);
        return utf8 != null ? utf8 : new String(bytes, 0, length, WINDOWS_1252);
    }

    private static boolean isAscii(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * mime4j hands back 8-bit bytes as Latin-1 characters; read such text again as UTF-8 (RFC 6532)
     * when it is valid UTF-8, else as windows-1252.
     */
    static String redecode(String text) {
        boolean eightBit = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c > 0xFF) {
                return text;
            }
            eightBit |= c >= 0x80;
        }
        if (!eightBit) {
            return text;
        }
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        return Charsets.decodeUnlabelled(bytes, bytes.length);
    }
}
