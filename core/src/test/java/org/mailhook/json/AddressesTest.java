package org.mailhook.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.apache.james.mime4j.dom.address.Address;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.LenientAddressParser;
import org.junit.jupiter.api.Test;

/**
 * Q words with specials stay one word, and long address lists parsed in pieces give exactly what parsing
 * them whole gives, on random strings built from the tokens that matter to mime4j's address parser.
 */
class AddressesTest {
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
    void blanksWhereTheCommasBelongSeparateAddresses() {
        // ruby-mail plain_emails raw_email_multiple_from.eml and mix_caps_content_type.eml, read as
        // mailparser and postal-mime read them; mime4j runs the words together
        assertThat(Addresses.parse("tim@powerupdev.com concierge@powerupdev.com")).containsExactly(
            new EmailAddress(null, "tim@powerupdev.com", null), new EmailAddress(null, "concierge@powerupdev.com", null));
        assertThat(Addresses.parse("Big Bug bb@bug.com")).containsExactly(new EmailAddress("Big Bug", "bb@bug.com", null));
        // anything with list syntax is left to the parser
        assertThat(Addresses.parse("Big Bug <bb@bug.com>")).containsExactly(new EmailAddress("Big Bug", "bb@bug.com", null));
        assertThat(Addresses.parse("just some words")).hasSize(1);
    }

    @Test
    void rawUtf8AddressesKeepTheirWholeDomain() {
        // RFC 6532: raw UTF-8 arrives as Latin-1 characters from the header reader; mime4j alone would
        // return "jdöe@mÃ¤chine.examp" (ruby-mail rfc6532/utf8_headers.eml)
        String latin1 = new String("\"Jöhn Doe\" <jdöe@mächine.example>, märy@exämple.net".getBytes(StandardCharsets.UTF_8),
            StandardCharsets.ISO_8859_1);
        assertThat(Addresses.parse(latin1)).containsExactly(
            new EmailAddress("Jöhn Doe", "jdöe@mächine.example", null),
            new EmailAddress(null, "märy@exämple.net", null));
        // text that could be taken for the parser's marker is parsed as it is
        assertThat(Addresses.parse("\"a{~e4~}b\" <x@y.org>")).containsExactly(new EmailAddress("a{~e4~}b", "x@y.org", null));
    }

    @Test
    void qWordsWithSpecialsStayOneWordInAddresses() throws Exception {
        // RFC 2047 forbids ':' and ',' in a phrase's Q words; mime4j would cut the word there (a "group")
        assertThat(Addresses.parse("=?utf-8?Q?Doe=2C_John:_Sales,_EU?= <j@x.org>, b@y.org")).containsExactly(
            new EmailAddress("Doe, John: Sales, EU", "j@x.org", null),
            new EmailAddress(null, "b@y.org", null));
        // words without specials, malformed words and B words are left as they are
        assertThat(Addresses.specialsOutOfWords("=?utf-8?Q?caf=C3=A9?= <a@b>")).isEqualTo("=?utf-8?Q?caf=C3=A9?= <a@b>");
        assertThat(Addresses.specialsOutOfWords("=?utf-8?Q?a:=ZZ?= <a@b>")).isEqualTo("=?utf-8?Q?a:=ZZ?= <a@b>");
        assertThat(Addresses.specialsOutOfWords("=?utf-8?B?YTpi?= x")).isEqualTo("=?utf-8?B?YTpi?= x");
        assertThat(Addresses.specialsOutOfWords("x =?iso-8859-1?q?a:b?= y")).isEqualTo("x =?iso-8859-1?B?YTpi?= y");

        // the corpus's 135 KB To header: the thousands of words with colons are one display name
        String mail = java.nio.file.Files.readString(MimeCorpus.root().resolve("mimekit/messages/stack-overflow.txt"),
            java.nio.charset.StandardCharsets.ISO_8859_1);
        int to = mail.indexOf("\nTo:") + 4;
        List<EmailAddress> addresses = Addresses.parse(HeaderValues.unfold(mail.substring(to, mail.indexOf("\nSubject:", to))));
        assertThat(addresses).hasSize(2);
        assertThat(addresses.get(0)).isEqualTo(new EmailAddress("test", "test@test.com", null));
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
            cut += Addresses.addressSegments(value).size() > 1 ? 1 : 0;
            assertThat(parsed(() -> Addresses.parseAddressList(value, chunkChars))).as(value).isEqualTo(whole(value));
        }
        assertThat(cut).isGreaterThan(4_000); // pieces are really tried (4758 of these lists are cut), not only whole lists

        // the 135 KB To header of thousands of encoded words without a comma: read as mime4j reads it
        String mail = java.nio.file.Files.readString(MimeCorpus.root().resolve("mimekit/messages/stack-overflow.txt"),
            java.nio.charset.StandardCharsets.ISO_8859_1);
        int to = mail.indexOf("\nTo:") + 4;
        String header = HeaderValues.unfold(mail.substring(to, mail.indexOf("\nSubject:", to)));
        assertThat(header.length()).isGreaterThan(100_000);
        assertThat(parsed(() -> Addresses.parseAddressList(header, Addresses.ADDRESS_CHUNK_CHARS))).isEqualTo(whole(header));
    }

    @Test
    void aDisplayNameThatIsTheAddressIsLeftOut() {
        assertThat(Addresses.parse("\"phil@example.com\" <phil@example.com>"))
            .containsExactly(new EmailAddress(null, "phil@example.com", null));
        assertThat(Addresses.parse("phil@example.com <phil@example.com>"))
            .containsExactly(new EmailAddress(null, "phil@example.com", null));
        // anything more than the address is a name: another address, another case, words
        assertThat(Addresses.parse("\"xxxxx@xxxxx\" <matmail>")).containsExactly(new EmailAddress("xxxxx@xxxxx", "matmail", null));
        assertThat(Addresses.parse("\"Phil@Example.com\" <phil@example.com>"))
            .containsExactly(new EmailAddress("Phil@Example.com", "phil@example.com", null));
        assertThat(Addresses.parse("Team: \"a@x.org\" <a@x.org>;")).containsExactly(new EmailAddress(null, "a@x.org", "Team"));
    }
}
