package org.mailhook.json;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns declared charset labels into JDK charsets and bytes into text. Labels are mapped the way
 * mail clients treat them in practice: a legacy label means its Windows superset (ISO-8859-1 is read
 * as windows-1252, GB2312 as GBK, EUC-KR / ks_c_5601-1987 as windows-949, Shift_JIS as windows-31j),
 * because senders routinely use the superset's extra characters under the narrower name. UTF-7 comes
 * from jutf7.
 */
final class Charsets {
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    private static final Map<String, String> ALIASES = Map.ofEntries(
        Map.entry("iso-8859-1", "windows-1252"), Map.entry("iso8859-1", "windows-1252"),
        Map.entry("latin1", "windows-1252"), Map.entry("l1", "windows-1252"),
        Map.entry("iso_8859-1", "windows-1252"), Map.entry("cp1252", "windows-1252"),
        Map.entry("gb2312", "GBK"), Map.entry("gb_2312-80", "GBK"), Map.entry("euc-cn", "GBK"),
        Map.entry("x-gbk", "GBK"), Map.entry("cn-gb", "GBK"), Map.entry("csgb2312", "GBK"),
        Map.entry("ks_c_5601-1987", "x-windows-949"), Map.entry("ks_c_5601", "x-windows-949"),
        Map.entry("ksc5601", "x-windows-949"), Map.entry("euc-kr", "x-windows-949"),
        Map.entry("x-euc-kr", "x-windows-949"), Map.entry("cp949", "x-windows-949"),
        Map.entry("shift_jis", "windows-31j"), Map.entry("shift-jis", "windows-31j"),
        Map.entry("sjis", "windows-31j"), Map.entry("x-sjis", "windows-31j"), Map.entry("ms_kanji", "windows-31j"),
        Map.entry("iso-8859-8-i", "ISO-8859-8"), Map.entry("iso-8859-6-i", "ISO-8859-6"),
        Map.entry("tis-620", "x-windows-874"), Map.entry("windows-874", "x-windows-874"),
        Map.entry("utf8", "UTF-8"), Map.entry("big5-hkscs", "Big5-HKSCS"));

    /**
     * UTF-7 (RFC 2152), which the JDK lacks, from jutf7. Taken from its provider directly rather than
     * through {@link Charset#forName}: the JDK only asks providers on the system class path, and James
     * loads Mailhook through its own class loader.
     */
    static final Charset UTF_7 = new com.beetstra.jutf7.CharsetProvider().charsetForName("UTF-7");
    private static final Set<String> UTF_7_LABELS = Set.of("utf-7", "utf7", "unicode-1-1-utf-7",
        "unicode-2-0-utf-7", "x-unicode-1-1-utf-7", "x-unicode-2-0-utf-7", "csunicode11utf7");

    /** Labels that say ASCII (or nothing), which says nothing useful about 8-bit bytes. */
    private static final Set<String> ASCII_LABELS = Set.of("us-ascii", "ascii", "ansi_x3.4-1968", "us_ascii", "default", "");

    /** Header encoded words use the same supersets (mime4j resolves the label, then this map). */
    static final Map<Charset, Charset> OVERRIDES = Map.of(
        StandardCharsets.ISO_8859_1, WINDOWS_1252,
        Charset.forName("GB2312"), Charset.forName("GBK"),
        Charset.forName("EUC-KR"), Charset.forName("x-windows-949"),
        Charset.forName("Shift_JIS"), Charset.forName("windows-31j"));

    private Charsets() {
    }

    /**
     * The charset for a declared label, or null when the label is absent, ASCII (which says nothing
     * useful about 8-bit bytes) or unknown to the JDK.
     */
    static Charset lookup(String label) {
        if (label == null) {
            return null;
        }
        String name = label.trim().replace("\"", "").replace("'", "").toLowerCase(Locale.ROOT);
        if (ASCII_LABELS.contains(name)) {
            return null;
        }
        if (UTF_7_LABELS.contains(name)) {
            return UTF_7;
        }
        return cachedForName(ALIASES.getOrDefault(name, name));
    }

    /**
     * Charsets by lower-case name, including the names the JDK does not know: each such look-up makes the
     * JDK instantiate every charset provider again (building large tables), so answers are remembered.
     * Hostile mail can name any number of charsets, so only the first {@link #REMEMBERED_NAMES} are.
     */
    private static final int REMEMBERED_NAMES = 1024;
    private static final Map<String, Optional<Charset>> BY_NAME = new ConcurrentHashMap<>();

    static Charset cachedForName(String name) {
        Optional<Charset> known = BY_NAME.get(name);
        if (known == null) {
            known = forName(name);
            if (BY_NAME.size() < REMEMBERED_NAMES) {
                BY_NAME.putIfAbsent(name, known);
            }
        }
        return known.orElse(null);
    }

    private static Optional<Charset> forName(String name) {
        try {
            return Optional.of(Charset.forName(name));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Whether a label (an RFC 2231 language after {@code *} allowed) names UTF-7. */
    static boolean isUtf7(String label) {
        int star = label.indexOf('*');
        return UTF_7_LABELS.contains((star < 0 ? label : label.substring(0, star)).strip().toLowerCase(Locale.ROOT));
    }

    static boolean isKnownOrAscii(String label) {
        return label == null || lookup(label) != null
            || ASCII_LABELS.contains(label.trim().replace("\"", "").toLowerCase(Locale.ROOT));
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

    /** Text of a body part and whether the declared charset had to be overridden. */
    record Decoded(String text, String overriddenBy) {
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
            return new Decoded(decodeUnlabelled(bytes, length), null);
        }
        String name = charset.name().toUpperCase(Locale.ROOT);
        if (!name.startsWith("UTF-") && !name.contains("2022") && !isAscii(bytes, length)) {
            String utf8 = strictUtf8(bytes, length);
            if (utf8 != null) {
                return new Decoded(utf8, "UTF-8");
            }
        }
        return new Decoded(new String(bytes, 0, length, charset), null);
    }

    private static String strictUtf8(byte[] bytes, int length) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes, 0, length)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
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
}
