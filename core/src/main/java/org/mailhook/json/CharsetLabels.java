package org.mailhook.json;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one place a declared charset label (a MIME {@code charset} parameter, an RFC 2047 encoded word's
 * charset, an RFC 2231 parameter's charset, an HTML {@code <meta charset>}) becomes a JDK charset.
 *
 * <p>Labels are compared without case, blanks, quotes, {@code -}, {@code _}, {@code .} and {@code :}
 * (so {@code big5_tw}, {@code BIG5-TW} and {@code "big5 tw"} are one label), and an RFC 2231 language
 * after {@code *} ({@code us-ascii*en}) is ignored. A label is looked up in {@link #TABLE}: the labels
 * of the WHATWG Encoding Standard, the IANA aliases, Python's codec names and aliases, Java's names and
 * the {@code x-}, {@code cp}, {@code ms} and {@code windows-} spellings mailers write. A label missing
 * from it is tried as a JDK name, without an {@code x-} prefix, and as a code page number
 * ({@code cp437}, {@code ms1361}, {@code windows-1256}).
 *
 * <p>Like WHATWG, a legacy label means its Windows superset, because senders use the superset's extra
 * characters under the narrower name: ASCII and ISO-8859-1 are read as windows-1252, ISO-8859-9 as
 * windows-1254, GB2312 as GBK, EUC-KR as windows-949, Shift_JIS as windows-31j, TIS-620 and
 * ISO-8859-11 as windows-874. This holds whichever alias names them (it is applied to the JDK charset
 * found, not to the label).
 *
 * <p>Answers are precomputed for the table and remembered for other labels (the first
 * {@link #REMEMBERED_LABELS}), because the JDK instantiates every charset provider again for each name it
 * does not know.
 */
public final class CharsetLabels {
    /**
     * UTF-7 (RFC 2152), which the JDK lacks, from jutf7. Taken from its provider directly rather than
     * through {@link Charset#forName}: the JDK only asks providers on the system class path, and James
     * loads Mailhook through its own class loader.
     */
    static final Charset UTF_7 = new com.beetstra.jutf7.CharsetProvider().charsetForName("UTF-7");
    static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    /**
     * A label's charset (null: unknown), whether the label names ASCII (which says nothing about 8-bit
     * bytes), and whether the label as written is a JDK name of that charset or of one it is the superset
     * of: what readers that only ask the JDK, such as mime4j, understand.
     */
    public record Resolution(Charset charset, boolean ascii, boolean jdkName) {
        public boolean known() {
            return charset != null;
        }
    }

    private static final Resolution UNKNOWN = new Resolution(null, false, false);
    private static final Resolution ASCII = new Resolution(WINDOWS_1252, true, false);

    /**
     * JDK charset: its labels. Sources: WHATWG Encoding Standard "Names and labels"
     * (https://encoding.spec.whatwg.org/#names-and-labels), IANA character sets, Python's
     * {@code encodings.aliases} and codec names, and what mailers write. A line whose charset this JDK
     * lacks is left out. Where WHATWG differs, the difference is noted.
     */
    // A canonical name, then its labels; a long list goes on over lines that repeat the name.
    private static final String TABLE = """
        UTF-8: utf-8 utf8 unicode-1-1-utf-8 unicode11utf8 unicode20utf8 x-unicode20utf8 u8 utf utf8_ucs2 utf8_ucs4 cp65001 utf_8
        UTF-7: utf-7 utf7 u7 unicode-1-1-utf-7 unicode-2-0-utf-7 x-unicode-1-1-utf-7 x-unicode-2-0-utf-7 csunicode11utf7 utf_7
        UTF-16: utf-16 utf16 u16 utf_16
        UTF-16BE: utf-16be unicodefffe unicodebigunmarked utf_16_be
        UTF-16LE: utf-16le unicodefeff unicodelittleunmarked utf_16_le csunicode iso-10646-ucs-2 ucs-2 unicode
        UTF-32: utf-32 utf32 u32 utf_32
        UTF-32BE: utf-32be utf_32_be
        UTF-32LE: utf-32le utf_32_le
        IBM866: ibm866 866 cp866 csibm866 ibm-866
        ISO-8859-2: iso-8859-2 csisolatin2 iso-ir-101 iso8859-2 iso88592 iso_8859-2 iso_8859-2:1987 l2 latin2 latin_2 iso8859_2
        ISO-8859-3: iso-8859-3 csisolatin3 iso-ir-109 iso8859-3 iso88593 iso_8859-3 iso_8859-3:1988 l3 latin3 latin_3
        ISO-8859-4: iso-8859-4 csisolatin4 iso-ir-110 iso8859-4 iso88594 iso_8859-4 iso_8859-4:1988 l4 latin4 latin_4
        ISO-8859-5: iso-8859-5 csisolatincyrillic cyrillic iso-ir-144 iso8859-5 iso88595 iso_8859-5 iso_8859-5:1988
        ISO-8859-6: iso-8859-6 arabic asmo-708 csiso88596e csiso88596i csisolatinarabic ecma-114 iso-8859-6-e
        ISO-8859-6: iso-8859-6-i iso-ir-127 iso8859-6 iso88596 iso_8859-6 iso_8859-6:1987
        ISO-8859-7: iso-8859-7 csisolatingreek ecma-118 elot_928 greek greek8 iso-ir-126 iso8859-7 iso88597 iso_8859-7 iso_8859-7:1987 sun_eu_greek
        ISO-8859-8: iso-8859-8 csiso88598e csisolatinhebrew hebrew iso-8859-8-e iso-ir-138 iso8859-8 iso88598 iso_8859-8
        ISO-8859-8: iso_8859-8:1988 visual csiso88598i iso-8859-8-i logical
        ISO-8859-13: iso-8859-13 iso8859-13 iso885913 l7 latin7 latin_7
        ISO-8859-15: iso-8859-15 csisolatin9 iso8859-15 iso885915 iso_8859-15 l9 latin9 latin_9
        KOI8-R: koi8-r cskoi8r koi koi8 koi8_r
        KOI8-U: koi8-u koi8-ru koi8_u
        x-MacRoman: macintosh csmacintosh mac x-mac-roman mac_roman macroman
        x-MacCyrillic: x-mac-cyrillic x-mac-ukrainian mac_cyrillic maccyrillic
        x-MacGreek: x-mac-greek mac_greek macgreek
        x-MacCentralEurope: x-mac-ce mac_latin2 maclatin2 maccentraleurope
        x-MacTurkish: x-mac-turkish mac_turkish macturkish
        x-MacIceland: x-mac-icelandic mac_iceland maciceland
        x-windows-874: windows-874 dos-874 iso-8859-11 iso8859-11 iso885911 tis-620 tis620 tis_620_0 tis_620_2529_0 tis_620_2529_1 iso_ir_166 thai cp874 x-cp874
        windows-1250: windows-1250 cp1250 x-cp1250 1250 windows_1250
        windows-1251: windows-1251 cp1251 x-cp1251 1251 windows_1251
        windows-1252: windows-1252 cp1252 x-cp1252 1252 windows_1252 csisolatin1 ibm819 cp819 iso-8859-1 iso-ir-100
        windows-1252: iso8859-1 iso88591 iso_8859-1 iso_8859-1:1987 l1 latin1 latin_1 latin 8859
        windows-1253: windows-1253 cp1253 x-cp1253 1253 windows_1253
        windows-1254: windows-1254 cp1254 x-cp1254 1254 windows_1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9
        windows-1254: iso88599 iso_8859-9 iso_8859-9:1989 l5 latin5 latin_5
        windows-1255: windows-1255 cp1255 x-cp1255 1255 windows_1255
        windows-1256: windows-1256 cp1256 x-cp1256 1256 windows_1256
        windows-1257: windows-1257 cp1257 x-cp1257 1257 windows_1257
        windows-1258: windows-1258 cp1258 x-cp1258 1258 windows_1258
        GBK: gbk x-gbk chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 iso-ir-58 euc-cn euccn eucgb2312_cn
        GBK: gb2312_1980 gb2312_80 cn-gb cp936 ms936 936 windows-936
        GB18030: gb18030 gb18030_2000
        Big5: big5 big5_tw big5-tw csbig5 cn-big5 x-x-big5
        Big5-HKSCS: big5-hkscs big5hkscs big5_hkscs hkscs
        x-windows-950: cp950 ms950 950 windows-950 x-cp950
        EUC-JP: euc-jp cseucpkdfmtjapanese x-euc-jp euc_jp eucjp ujis u_jis
        ISO-2022-JP: iso-2022-jp csiso2022jp iso2022_jp iso2022jp
        ISO-2022-JP-2: iso-2022-jp-2 iso2022_jp_2 iso2022_jp_1 iso-2022-jp-1 iso2022_jp_ext csiso2022jp2
        windows-31j: shift_jis csshiftjis ms932 ms_kanji mskanji shift-jis sjis s_jis x-sjis shiftjis windows-31j cp932 932 windows-932
        x-windows-949: euc-kr cseuckr csksc56011987 iso-ir-149 korean ks_c_5601-1987 ks_c_5601-1989 ksc5601 ksc_5601
        x-windows-949: ks_c_5601 windows-949 x-euc-kr euc_kr euckr ksx1001 ks_x_1001 cp949 ms949 949 uhc
        x-Johab: johab cp1361 ms1361
        ISO-2022-KR: iso-2022-kr csiso2022kr iso2022_kr iso2022kr
        ISO-2022-CN: iso-2022-cn iso-2022-cn-ext csiso2022cn
        """;

    /** Labels that say ASCII: read as windows-1252 (WHATWG), and {@link Resolution#ascii()} tells the caller. */
    private static final String ASCII_LABELS = "us-ascii ascii ansi_x3.4-1968 ansi_x3.4-1986 646 cp367 csascii ibm367 "
        + "iso646-us iso_646.irv:1991 iso-ir-6 us us_ascii default";

    /** A JDK charset to the superset that is decoded in its place (mime4j's overrides for JDK names). */
    static final Map<Charset, Charset> SUPERSETS = supersets();

    /** Compacted label: resolution, for every label of the table. */
    private static final Map<String, Resolution> LABELS = table();

    private static final int REMEMBERED_LABELS = 1024;
    /** Label as written: resolution, for labels seen in mail (the table's answers included). */
    private static final Map<String, Resolution> SEEN = new ConcurrentHashMap<>();

    private CharsetLabels() {
    }

    /** The charset to decode a label with, or null when the label is absent or unknown. */
    public static Charset charset(String label) {
        return resolve(label).charset();
    }

    /** What a label means; {@link Resolution#known()} is false for an absent or unknown label. */
    public static Resolution resolve(String label) {
        if (label == null) {
            return UNKNOWN;
        }
        Resolution seen = SEEN.get(label);
        if (seen == null) {
            seen = lookUp(label);
            if (seen.known()) {
                Charset jdk = forName(label);
                boolean jdkName = jdk != null && SUPERSETS.getOrDefault(jdk, jdk).equals(seen.charset());
                seen = new Resolution(seen.charset(), seen.ascii(), jdkName);
            }
            if (SEEN.size() < REMEMBERED_LABELS) {
                SEEN.putIfAbsent(label, seen);
            }
        }
        return seen;
    }

    private static Resolution lookUp(String label) {
        String key = compact(label);
        if (key == null || key.isEmpty()) {
            return key == null ? UNKNOWN : ASCII; // an empty charset= says as little as ASCII
        }
        Resolution resolution = LABELS.get(key);
        if (resolution != null) {
            return resolution;
        }
        String name = plain(label);
        boolean prefixed = name.startsWith("x-") || name.startsWith("x_");
        if (prefixed && (resolution = LABELS.get(key.substring(1))) != null) {
            return resolution;
        }
        Charset charset = forName(name);
        if (charset == null && prefixed) {
            charset = forName(name.substring(2));
        }
        if (charset == null) {
            charset = codePage(key);
        }
        return charset == null ? UNKNOWN : of(charset);
    }

    /** {@code cp437}, {@code ms1361}, {@code windows-1256}, {@code ibm-850}: a code page by its number. */
    private static Charset codePage(String key) {
        int digits = 0;
        while (digits < key.length() && !Character.isDigit(key.charAt(digits))) {
            digits++;
        }
        String prefix = key.substring(0, digits);
        String number = key.substring(digits);
        if (number.isEmpty() || number.length() > 5 || !number.chars().allMatch(Character::isDigit)
            || !(prefix.isEmpty() || prefix.equals("cp") || prefix.equals("ms") || prefix.equals("windows")
                || prefix.equals("win") || prefix.equals("ibm") || prefix.equals("xcp") || prefix.equals("xibm")
                || prefix.equals("xwindows"))) {
            return null;
        }
        Resolution known = LABELS.get("cp" + number);
        if (known != null) {
            return known.charset();
        }
        for (String name : new String[] {"windows-" + number, "x-windows-" + number, "IBM" + number, "x-IBM" + number}) {
            Charset charset = forName(name);
            if (charset != null) {
                return charset;
            }
        }
        return null;
    }

    private static Resolution of(Charset charset) {
        if (charset.equals(StandardCharsets.US_ASCII)) {
            return ASCII;
        }
        return new Resolution(SUPERSETS.getOrDefault(charset, charset), false, false);
    }

    /**
     * The label compared: lower case, without blanks, quotes, {@code - _ . :} and an RFC 2231 language
     * after {@code *}; null when it holds anything beyond ASCII.
     */
    static String compact(String label) {
        StringBuilder key = new StringBuilder(label.length());
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            if (c == '*') {
                break;
            } else if (c >= 0x80) {
                return null;
            } else if (c >= 'A' && c <= 'Z') {
                key.append((char) (c + ('a' - 'A')));
            } else if (c > ' ' && c != '"' && c != '\'' && c != '-' && c != '_' && c != '.' && c != ':') {
                key.append(c);
            }
        }
        return key.toString();
    }

    /** The label trimmed, unquoted, without an RFC 2231 language, lower case: what the JDK is asked. */
    private static String plain(String label) {
        int star = label.indexOf('*');
        String name = (star < 0 ? label : label.substring(0, star)).replace("\"", "").replace("'", "").strip();
        return name.toLowerCase(java.util.Locale.ROOT);
    }

    private static Charset forName(String name) {
        if (name.isEmpty() || name.length() > 64) {
            return null;
        }
        try {
            return name.equalsIgnoreCase("utf-7") ? UTF_7 : Charset.forName(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Map<Charset, Charset> supersets() {
        Map<Charset, Charset> map = new HashMap<>();
        String[][] pairs = {{"US-ASCII", "windows-1252"}, {"ISO-8859-1", "windows-1252"}, {"ISO-8859-9", "windows-1254"}, {"GB2312", "GBK"},
            {"EUC-KR", "x-windows-949"}, {"Shift_JIS", "windows-31j"}, {"TIS-620", "x-windows-874"},
            {"x-iso-8859-11", "x-windows-874"}};
        for (String[] pair : pairs) {
            Charset narrow = forName(pair[0]);
            Charset wide = forName(pair[1]);
            if (narrow != null && wide != null) {
                map.put(narrow, wide);
            }
        }
        return Map.copyOf(map);
    }

    private static Map<String, Resolution> table() {
        Map<String, Resolution> map = new HashMap<>();
        for (String line : TABLE.strip().split("\n")) {
            int colon = line.indexOf(": ");
            Charset charset = forName(line.substring(0, colon).strip());
            if (charset == null) {
                continue; // not in this JDK: such labels are unknown
            }
            Resolution resolution = new Resolution(charset, false, false);
            put(map, compact(charset.name()), resolution);
            for (String label : line.substring(colon + 2).strip().split("\\s+")) {
                put(map, compact(label), resolution);
            }
        }
        for (String label : ASCII_LABELS.split("\\s+")) {
            put(map, compact(label), ASCII);
        }
        return Map.copyOf(map);
    }

    /** Two lines of the table must not claim one label. */
    private static void put(Map<String, Resolution> map, String key, Resolution resolution) {
        Resolution before = map.put(key, resolution);
        if (before != null && !before.equals(resolution)) {
            throw new IllegalStateException("charset label '" + key + "' is in the table twice");
        }
    }
}
