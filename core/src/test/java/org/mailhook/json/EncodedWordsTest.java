package org.mailhook.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.util.Map;
import java.util.Random;

import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.junit.jupiter.api.Test;

/** The one-pass decoder gives exactly what mime4j's DecoderUtil gives, on random texts of the tokens that matter. */
class EncodedWordsTest {
    private static final String[] TOKENS = {"=?", "?=", "?", "=", "utf-8", "UTF-8", "iso-8859-1", "gb2312", "x-unknown",
        "utf-8*en", "Q", "q", "B", "b", "X", "=C3=A9", "=c3=a9", "=C3", "=A9", "=ZZ", "=4", "_", " ", "  ", "\t", "\r\n ",
        "a", "é", ":", ",", "YWI=", "w6k=", "w6", "QUJD", "YQ==", "=?utf-8?Q?caf=C3=A9?=", "=?utf-8?B?w6k=?=",
        "=?iso-8859-1?q?=E9t=E9?=", "=?gb2312?B?1tDOxA==?=", "=?utf-8?Q??=", "=?utf-8?B?w6?=", "x", "<a@b>"};

    @Test
    void wordsWithBadPaddingInAnUnknownCharsetAreStillDecoded() {
        // ruby-mail error_emails/bad_encoded_subject.eml; mailparser and postal-mime both read "TEST"
        assertThat(EncodedWords.decode("=?NONE?B?VEVTVA=?=")).isEqualTo("TEST");
        assertThat(EncodedWords.decode("=?x-unknown?B?VEVTVA?=")).isEqualTo("TEST");
        assertThat(EncodedWords.decode("=?NONE?B?V?=")).isEqualTo("=?NONE?B?V?=");
    }

    @Test
    void decodesExactlyAsMime4j() {
        Random random = new Random(2047);
        Map<Charset, Charset> overrides = CharsetLabels.SUPERSETS;
        int oneAPass = 0;
        for (int n = 0; n < 50_000; n++) {
            StringBuilder text = new StringBuilder();
            int tokens = 1 + random.nextInt(16);
            for (int i = 0; i < tokens; i++) {
                text.append(TOKENS[random.nextInt(TOKENS.length)]);
            }
            String value = text.toString();
            Map<Charset, Charset> map = n % 2 == 0 ? overrides : Map.of();
            oneAPass += value.contains("=?") && EncodedWords.decodeWellFormed(value, map) != null ? 1 : 0;
            assertThat(EncodedWords.decodeLikeMime4j(value, map)).as(value)
                .isEqualTo(DecoderUtil.decodeEncodedWords(value, DecodeMonitor.SILENT, null, map));
        }
        System.out.println("EncodedWordsTest: " + oneAPass + " of 50000 texts decoded in one pass, the rest by mime4j");
        assertThat(oneAPass).isGreaterThan(15_000); // the one-pass decoder is really compared, not only the fallback
        assertThat(EncodedWords.decodeLikeMime4j("=?utf-8?Q?caf=C3=A9?= =?utf-8?B?w6k=?= x", Map.of())).isEqualTo("caféé x");
        assertThat(EncodedWords.decodeLikeMime4j("=?iso-8859-1?Q?=80?=", CharsetLabels.SUPERSETS)).isEqualTo("€");
    }
}
