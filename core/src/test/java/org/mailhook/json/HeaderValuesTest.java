package org.mailhook.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.field.DateTimeFieldLenientImpl;
import org.apache.james.mime4j.stream.RawField;
import org.junit.jupiter.api.Test;
import org.mailhook.testing.Corpus;

/**
 * The one-pass header functions give exactly what the regular expressions they replaced gave (kept here
 * as the reference), on random strings built from the characters that matter to them.
 */
class HeaderValuesTest {
    private static final Pattern FOLD = Pattern.compile("[ \t]*\r?\n[ \t]+|\r|\n");
    private static final Pattern FOLD_IN_WORD = Pattern.compile("(=\\?[^?\\s]{1,40}\\?[QqBb]\\?[^?\\s]*) (?=[^?\\s]*\\?=)");
    private static final Pattern LINE_BREAKS = Pattern.compile("[\\r\\n]+");
    private static final Pattern BLANKS = Pattern.compile("[ \\t]+");
    private static final String ALPHABET = "  \t\t\r\n\n==??QqBbx_a\u000B\f";

    private static String referenceUnfold(String raw) {
        String unfolded = FOLD.matcher(raw).replaceAll(m -> m.group().indexOf(' ') >= 0 || m.group().indexOf('\t') >= 0
            ? " " : "").strip();
        return unfolded.contains("=?") ? FOLD_IN_WORD.matcher(unfolded).replaceAll("$1") : unfolded;
    }

    private static String referenceKeyValue(String raw) {
        return BLANKS.matcher(LINE_BREAKS.matcher(raw).replaceAll("")).replaceAll(" ").strip();
    }

    @Test
    void theFastDateParserAgreesWithMime4jOnEveryCorpusDate() throws Exception {
        // Every Date:/Received: date of the corpus the JDK's RFC 1123 parser reads, mime4j's lenient parser reads alike.
        Pattern dateLine = Pattern.compile("(?mi)^(?:Date|Resent-Date):[ \\t]*(.+)$|^Received:.*;[ \\t]*(.+)$");
        int compared = 0;
        List<String> differing = new ArrayList<>();
        for (Path mail : Corpus.mimeMails()) {
            Matcher m = dateLine.matcher(new String(Files.readAllBytes(mail), StandardCharsets.ISO_8859_1));
            while (m.find()) {
                String value = (m.group(1) != null ? m.group(1) : m.group(2)).strip();
                Instant fast = HeaderValues.rfc1123(value);
                if (fast == null) {
                    continue;
                }
                compared++;
                Date lenient = DateTimeFieldLenientImpl.PARSER.parse(new RawField("Date", value), DecodeMonitor.SILENT).getDate();
                if (lenient == null || !lenient.toInstant().equals(fast)) {
                    differing.add(mail.getFileName() + ": " + value + " -> " + fast + " / " + lenient);
                }
            }
        }

        assertThat(compared).isGreaterThan(300);
        assertThat(differing).isEmpty();
        assertThat(HeaderValues.rfc1123("21 Nov 97 09:55:06 GMT")).isNull();
        assertThat(date("21 Nov 97 09:55:06 GMT")).isEqualTo(Instant.parse("1997-11-21T09:55:06Z"));
        assertThat(date("Tue, 8 Dec 2026 00:20:40 +0000")).isEqualTo(Instant.parse("2026-12-08T00:20:40Z"));
        // a weekday that is not the date's: the fast parser refuses it, the lenient one reads the date
        assertThat(date("Mon, 8 Dec 2026 00:20:40 +0100")).isEqualTo(Instant.parse("2026-12-07T23:20:40Z"));
    }

    @Test
    void datesKeepTheirZoneAfterCommentsAndInThreeDigits() {
        // both as mailparser and postal-mime read them (mimekit disposition-notification, mime4j multi-bad)
        assertThat(date("Wed, 20 Sep 1995 00:19:00 (EDT) -0400")).isEqualTo(Instant.parse("1995-09-20T04:19:00Z"));
        assertThat(date("Mon, 21 Aug 95 13:30:57 -600")).isEqualTo(Instant.parse("1995-08-21T19:30:57Z"));
        assertThat(date("Mon, 21 Aug 1995 13:30:57 +0000 (UTC)")).isEqualTo(Instant.parse("1995-08-21T13:30:57Z"));
        assertThat(date("Mon, 21 Aug 1995 13:30:57 EDT")).isEqualTo(Instant.parse("1995-08-21T17:30:57Z"));
    }

    private static Instant date(String value) {
        return HeaderValues.date(new RawField("Date", value));
    }

    @Test
    void unfoldAndKeyCanonicalisationMatchTheRegularExpressions() {
        Random random = new Random(3676);
        for (int n = 0; n < 200_000; n++) {
            StringBuilder value = new StringBuilder();
            int length = random.nextInt(40);
            for (int i = 0; i < length; i++) {
                value.append(random.nextInt(6) == 0 ? "=?utf-8?Q?" : String.valueOf(ALPHABET.charAt(random.nextInt(ALPHABET.length()))));
            }
            String raw = value.toString();
            assertThat(HeaderValues.unfold(raw)).as("unfold %s", raw.replace("\r", "\\r").replace("\n", "\\n"))
                .isEqualTo(referenceUnfold(raw));
            assertThat(IdempotencyKey.collapsedBlanks(raw).strip()).isEqualTo(referenceKeyValue(raw));
        }
        // an encoded word folded in its middle is joined again; whole words are left alone
        assertThat(HeaderValues.unfold("=?utf-8?Q?Gr=C3=BC\r\n =C3=9Fe?= x")).isEqualTo("=?utf-8?Q?Gr=C3=BC=C3=9Fe?= x");
        assertThat(HeaderValues.unfold("=?utf-8?Q?a?=\r\n =?utf-8?Q?b?=")).isEqualTo("=?utf-8?Q?a?= =?utf-8?Q?b?=");
    }
}
