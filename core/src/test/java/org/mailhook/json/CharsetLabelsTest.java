package org.mailhook.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Label → charset, over the spellings mailers write (WHATWG, IANA, Python, Java, x-/cp/ms/windows-). */
class CharsetLabelsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
        # WHATWG Encoding Standard labels
        latin1                | windows-1252
        iso-8859-1            | windows-1252
        ISO_8859-1:1987       | windows-1252
        x-sjis                | windows-31j
        ks_c_5601-1987        | x-windows-949
        gb2312                | GBK
        x-gbk                 | GBK
        iso-8859-8-i          | ISO-8859-8
        x-mac-roman           | x-MacRoman
        x-mac-cyrillic        | x-MacCyrillic
        unicode-1-1-utf-8     | UTF-8
        utf8                  | UTF-8
        cn-big5               | Big5
        x-x-big5              | Big5
        koi                   | KOI8-R
        koi8-ru               | KOI8-U
        iso-8859-9            | windows-1254
        tis-620               | x-windows-874
        iso-8859-11           | x-windows-874
        dos-874               | x-windows-874
        csiso2022jp           | ISO-2022-JP
        cseuckr               | x-windows-949
        gb18030               | GB18030
        ibm866                | IBM866
        iso-8859-15           | ISO-8859-15
        utf-16be              | UTF-16BE
        utf-16le              | UTF-16LE
        # IANA aliases
        csISOLatin2           | ISO-8859-2
        ISO_8859-5:1988       | ISO-8859-5
        cp367                 | windows-1252
        csShiftJIS            | windows-31j
        Extended_UNIX_Code_Packed_Format_for_Japanese | EUC-JP
        # Python codec names and aliases, both spellings
        eucgb2312_cn          | GBK
        eucgb2312-cn          | GBK
        big5_tw               | Big5
        big5-tw               | Big5
        euc_jp                | EUC-JP
        shift_jis             | windows-31j
        cp1252                | windows-1252
        cp932                 | windows-31j
        cp936                 | GBK
        cp949                 | x-windows-949
        cp950                 | x-windows-950
        big5hkscs             | Big5-HKSCS
        big5_hkscs            | Big5-HKSCS
        iso2022_jp            | ISO-2022-JP
        iso2022_jp_2          | ISO-2022-JP-2
        iso2022_kr            | ISO-2022-KR
        euc_kr                | x-windows-949
        utf_8                 | UTF-8
        u8                    | UTF-8
        latin_1               | windows-1252
        koi8_r                | KOI8-R
        koi8_u                | KOI8-U
        mac_cyrillic          | x-MacCyrillic
        mac_roman             | x-MacRoman
        mac_latin2            | x-MacCentralEurope
        gb2312_1980           | GBK
        euc_cn                | GBK
        ujis                  | EUC-JP
        s_jis                 | windows-31j
        ms_kanji              | windows-31j
        uhc                   | x-windows-949
        johab                 | x-Johab
        tis_620_2529_1        | x-windows-874
        iso8859_15            | ISO-8859-15
        latin_9               | ISO-8859-15
        utf_16_le             | UTF-16LE
        utf_32_be             | UTF-32BE
        cp65001               | UTF-8
        1252                  | windows-1252
        936                   | GBK
        # Java names and aliases
        x-windows-949         | x-windows-949
        windows-31j           | windows-31j
        x-MacRoman            | x-MacRoman
        GBK                   | GBK
        Big5-HKSCS            | Big5-HKSCS
        x-euc-jp              | EUC-JP
        UnicodeBigUnmarked    | UTF-16BE
        ISO8859_2             | ISO-8859-2
        # x-, cp, windows-, ms variants
        x-cp1250              | windows-1250
        windows-1251          | windows-1251
        win1251               | windows-1251
        ms936                 | GBK
        ms949                 | x-windows-949
        ms950                 | x-windows-950
        ms1361                | x-Johab
        windows-932           | windows-31j
        cp437                 | IBM437
        ibm-850               | IBM850
        x-cp1256              | windows-1256
        x-big5                | Big5
        # case, blanks, quotes, RFC 2231 language
        UTF-8                 | UTF-8
        ' EUCGB2312_CN '      | GBK
        '"big5_tw"'           | Big5
        '''utf-8'''           | UTF-8
        Big5_TW*zh-TW         | Big5
        us-ascii*en           | windows-1252
        # UTF-7 from jutf7
        utf-7                 | UTF-7
        unicode-2-0-utf-7     | UTF-7
        x-unicode-2-0-utf-7   | UTF-7
        """)
    void resolvesLabel(String label, String charset) {
        CharsetLabels.Resolution resolution = CharsetLabels.resolve(label);
        assertThat(resolution.known()).as(label).isTrue();
        assertThat(resolution.charset().name()).as(label).isEqualTo(charset);
        if (!resolution.ascii()) { // ASCII labels: see below
            assertThat(Charsets.lookup(label)).as("the parser's look-up of " + label).isEqualTo(resolution.charset());
        }
    }

    @ParameterizedTest(name = "{0} names ASCII")
    @CsvSource({"us-ascii", "ascii", "US-ASCII", "ANSI_X3.4-1968", "us_ascii", "646", "csASCII", "iso646-us", "default", "''"})
    void asciiLabelsAreWindows1252AndMarked(String label) {
        CharsetLabels.Resolution resolution = CharsetLabels.resolve(label);
        assertThat(resolution.ascii()).as(label).isTrue();
        assertThat(resolution.charset().name()).isEqualTo("windows-1252");
        // the parser reads ASCII-labelled bytes like unlabelled ones: UTF-8 when valid, else windows-1252
        assertThat(Charsets.lookup(label)).isNull();
        assertThat(Charsets.isKnownOrAscii(label)).isTrue();
    }

    @ParameterizedTest(name = "{0} is unknown")
    @CsvSource({"x-unknown", "none", "utf-9", "8bit", "big5_tw_x", "iso-8859-99", "windows-99999", "cp", "ＵＴＦ-8"})
    void unknownLabels(String label) {
        assertThat(CharsetLabels.resolve(label).known()).as(label).isFalse();
        assertThat(CharsetLabels.charset(label)).isNull();
        assertThat(Charsets.isKnownOrAscii(label)).isFalse();
    }

    @Test
    void supersetsApplyWhateverTheAlias() {
        // JDK aliases that are not in the table still resolve to the superset of the JDK charset they name
        assertThat(CharsetLabels.charset("8859_1")).isEqualTo(Charset.forName("windows-1252"));
        assertThat(CharsetLabels.charset("ISO8859_9")).isEqualTo(Charset.forName("windows-1254"));
        assertThat(CharsetLabels.charset("EUC_CN")).isEqualTo(Charset.forName("GBK"));
        assertThat(CharsetLabels.charset("ksc5601-1987")).isEqualTo(Charset.forName("x-windows-949"));
        assertThat(CharsetLabels.resolve(null).known()).isFalse();
    }

    @Test
    void answersAreRemembered() {
        assertThat(CharsetLabels.resolve("big5_tw")).isSameAs(CharsetLabels.resolve("big5_tw"));
        assertThat(CharsetLabels.resolve("x-not-a-charset")).isSameAs(CharsetLabels.resolve("x-not-a-charset"));
    }
}
