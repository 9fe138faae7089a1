package org.mailhook.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import org.apache.james.mime4j.dom.address.Address;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.LenientAddressParser;
import org.junit.jupiter.api.Test;

/**
 * The one-pass header functions give exactly what the regular expressions they replaced gave (kept here
 * as the reference), and long address lists parsed in pieces give exactly what parsing them whole gives,
 * on random strings built from the characters and tokens that matter to them.
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

    private static final String[] ADDRESS_TOKENS = {"a", "b@c", "x@y.z", " ", ",", ", ", ",", "\"", "\"Doe, J\"", "(",
        ")", "(c, d)", "(n (e, s) t)", "<", ">", "<a@b>", "<a>", "<@r,@s:q@t>", ":", ";", "G: a@b, c@d;", "\\", "@",
        "=?utf-8?Q?x?=", "\"q\\\"x\"", ".", "[1,2]", "\u00e9", "\"<\"", "(<)", "=?utf-8?Q?w?= ", "word ", "\t", " two words"};

    /** What mime4j made of a list, or that it failed (the document then has no addresses for the header). */
    private static String parsed(java.util.function.Supplier<List<Address>> parse) {
        List<String> all = new ArrayList<>();
        try {
            for (Address address : parse.get()) {
                all.add(describe(address));
            }
        } catch (RuntimeException e) {
            return "failed";
        }
        return all.toString();
    }

    private static String describe(Address address) {
        if (address instanceof Group group) {
            List<String> members = new ArrayList<>();
            group.getMailboxes().forEach(m -> members.add(describe(m)));
            return "group " + group.getName() + " " + members;
        }
        Mailbox mailbox = (Mailbox) address;
        return mailbox.getName() + "|" + mailbox.getLocalPart() + "|" + mailbox.getDomain() + "|" + mailbox.getRoute();
    }

    private static String whole(String value) {
        return parsed(() -> new ArrayList<>(LenientAddressParser.DEFAULT.parseAddressList(value)));
    }

    @Test
    void qWordsWithSpecialsStayOneWordInAddresses() throws Exception {
        // RFC 2047 forbids ':' and ',' in a phrase's Q words; mime4j would cut the word there (a "group")
        assertThat(HeaderValues.addresses("=?utf-8?Q?Doe=2C_John:_Sales,_EU?= <j@x.org>, b@y.org")).containsExactly(
            new HeaderValues.EmailAddress("Doe, John: Sales, EU", "j@x.org", null),
            new HeaderValues.EmailAddress(null, "b@y.org", null));
        // words without specials, malformed words and B words are left as they are
        assertThat(HeaderValues.specialsOutOfWords("=?utf-8?Q?caf=C3=A9?= <a@b>")).isEqualTo("=?utf-8?Q?caf=C3=A9?= <a@b>");
        assertThat(HeaderValues.specialsOutOfWords("=?utf-8?Q?a:=ZZ?= <a@b>")).isEqualTo("=?utf-8?Q?a:=ZZ?= <a@b>");
        assertThat(HeaderValues.specialsOutOfWords("=?utf-8?B?YTpi?= x")).isEqualTo("=?utf-8?B?YTpi?= x");
        assertThat(HeaderValues.specialsOutOfWords("x =?iso-8859-1?q?a:b?= y")).isEqualTo("x =?iso-8859-1?B?YTpi?= y");

        // the corpus's 135 KB To header: the thousands of words with colons are one display name
        String mail = java.nio.file.Files.readString(MimeCorpus.root().resolve("mimekit/messages/stack-overflow.txt"),
            java.nio.charset.StandardCharsets.ISO_8859_1);
        int to = mail.indexOf("\nTo:") + 4;
        List<HeaderValues.EmailAddress> addresses = HeaderValues.addresses(HeaderValues.unfold(mail.substring(to, mail.indexOf("\nSubject:", to))));
        assertThat(addresses).hasSize(2);
        assertThat(addresses.get(0)).isEqualTo(new HeaderValues.EmailAddress("test", "test@test.com", null));
        assertThat(addresses.get(1).name()).startsWith("date>2017-08-20T10:08:28.617</prdate>2017-08-20T10:08:28.617</pr");
        assertThat(addresses.get(1).address()).isNull();
        assertThat(addresses.get(1).group()).isNull();
    }

    @Test
    void addressListsParsedInPiecesGiveTheSameAddresses() throws Exception {
        Random random = new Random(5322);
        int cut = 0;
        for (int n = 0; n < 100_000; n++) {
            StringBuilder list = new StringBuilder();
            int tokens = 1 + random.nextInt(24);
            for (int i = 0; i < tokens; i++) {
                list.append(ADDRESS_TOKENS[random.nextInt(ADDRESS_TOKENS.length)]);
            }
            String value = list.toString();
            int chunkChars = random.nextInt(12);
            cut += HeaderValues.addressSegments(value).size() > 1 ? 1 : 0;
            assertThat(parsed(() -> HeaderValues.parseAddressList(value, chunkChars))).as(value).isEqualTo(whole(value));
        }
        assertThat(cut).isGreaterThan(4_000); // pieces are really tried (4758 of these lists are cut), not only whole lists

        // the 135 KB To header of thousands of encoded words without a comma: read as mime4j reads it
        String mail = java.nio.file.Files.readString(MimeCorpus.root().resolve("mimekit/messages/stack-overflow.txt"),
            java.nio.charset.StandardCharsets.ISO_8859_1);
        int to = mail.indexOf("\nTo:") + 4;
        String header = HeaderValues.unfold(mail.substring(to, mail.indexOf("\nSubject:", to)));
        assertThat(header.length()).isGreaterThan(100_000);
        assertThat(parsed(() -> HeaderValues.parseAddressList(header, HeaderValues.ADDRESS_CHUNK_CHARS))).isEqualTo(whole(header));
    }
}
