package org.mailhook.json;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.james.mime4j.dom.address.Address;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.LenientAddressParser;

/**
 * Address headers (From, To, Cc ...) read into {@link EmailAddress}es with mime4j's lenient parser, with
 * what it gets wrong on real mail put right around it: Q words holding specials, quadratic time on long
 * lists, addresses used as display names and the old {@code a@x (Name)} form.
 */
final class Addresses {
    private static final Pattern TRAILING_COMMENT = Pattern.compile("^\\s*<?([^<>()\\s,]+)>?\\s*\\((.*)\\)\\s*$");

    /** ASCII characters mime4j's address parser treats specially, by code. */
    private static final boolean[] ADDRESS_SPECIAL = asciiSet("\"()<>@,;:\\");
    /** RFC 5322 specials, which RFC 2047 forbids in a phrase's Q-encoded words, by code. */
    private static final boolean[] PHRASE_SPECIAL = asciiSet("\"()<>@,;:\\.[]");

    private static boolean[] asciiSet(String members) {
        boolean[] set = new boolean[128];
        members.chars().forEach(c -> set[c] = true);
        return set;
    }

    private Addresses() {
    }

    /**
     * Q-encoded words that carry address specials ({@code date=3E10:08:28} has colons) re-encoded as B
     * words of the same charset and bytes. RFC 2047 forbids specials in a phrase's Q words, but senders
     * write them, and mime4j's address parser then cuts the word at the colon or comma (a "group" named
     * after half a word). Base64 has no specials, so the word stays one atom and decodes to the same text.
     */
    static String specialsOutOfWords(String value) {
        if (value.indexOf("?Q?") < 0 && value.indexOf("?q?") < 0) {
            return value;
        }
        StringBuilder out = null;
        int copied = 0;
        for (int start = value.indexOf("=?"); start >= 0; start = value.indexOf("=?", start + 2)) {
            int charsetEnd = value.indexOf('?', start + 2);
            if (charsetEnd < 0 || charsetEnd - start > 42 || charsetEnd + 2 >= value.length()
                || (value.charAt(charsetEnd + 1) != 'Q' && value.charAt(charsetEnd + 1) != 'q')
                || value.charAt(charsetEnd + 2) != '?') {
                continue;
            }
            int textEnd = value.indexOf("?=", charsetEnd + 3);
            if (textEnd < 0 || !isPrintable(value, start + 2, charsetEnd) || !hasPhraseSpecial(value, charsetEnd + 3, textEnd)) {
                continue;
            }
            byte[] bytes = EncodedWords.wellFormedQ(value, charsetEnd + 3, textEnd);
            if (bytes == null) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(value.length() + value.length() / 3);
            }
            String charset = value.substring(start + 2, charsetEnd);
            out.append(value, copied, start).append("=?").append(charset).append("?B?")
                .append(java.util.Base64.getEncoder().encodeToString(bytes)).append("?=");
            copied = textEnd + 2;
            start = textEnd;
        }
        return out == null ? value : out.append(value, copied, value.length()).toString();
    }

    /** Printable ASCII only (an encoded word's charset name). */
    private static boolean isPrintable(String value, int from, int to) {
        for (int i = from; i < to; i++) {
            if (value.charAt(i) <= ' ' || value.charAt(i) >= 0x7F) {
                return false;
            }
        }
        return true;
    }

    /** Whether Q text without '?' holds an RFC 5322 special (which RFC 2047 forbids in a phrase). */
    private static boolean hasPhraseSpecial(String value, int from, int to) {
        boolean special = false;
        for (int i = from; i < to; i++) {
            char c = value.charAt(i);
            if (c == '?') {
                return false;
            }
            special |= c < 0x80 && PHRASE_SPECIAL[c];
        }
        return special;
    }

    /** The addresses of an unfolded address header (From, To, ...); none when mime4j cannot read the list. */
    static List<EmailAddress> parse(String unfolded) {
        List<EmailAddress> result = new ArrayList<>();
        List<Address> list;
        try {
            list = parseAddressList(EightBit.protect(specialsOutOfWords(EncodedWords.readableWords(unfolded, null))), ADDRESS_CHUNK_CHARS);
        } catch (RuntimeException e) {
            return result;
        }
        for (Address address : list) {
            if (address instanceof Mailbox mailbox) {
                result.add(mailbox(mailbox, null));
            } else if (address instanceof Group group) {
                String groupName = clean(group.getName());
                for (Mailbox mailbox : group.getMailboxes()) {
                    result.add(mailbox(mailbox, groupName));
                }
            }
        }
        return repaired(result, unfolded).stream().map(Addresses::withoutAddressAsName).toList();
    }

    /**
     * A display name that is exactly the address ({@code "a@x" <a@x>}, as mailers write when they know no
     * name) says nothing more than the address: it is left out, as mailparser and postal-mime leave it out,
     * so a name is always something to show beside the address.
     */
    private static EmailAddress withoutAddressAsName(EmailAddress address) {
        return address.name() != null && address.name().equals(address.address()) && address.name().indexOf('@') >= 0
            ? new EmailAddress(null, address.address(), address.group()) : address;
    }

    /**
     * mime4j's address parser allocates a buffer as large as the rest of the header for every word it
     * reads, which is quadratic on a long header (the corpus's 135 KB To header of encoded words allocates
     * over 100 MB). Long lists are therefore given to it in pieces of about this many characters.
     */
    static final int ADDRESS_CHUNK_CHARS = 2048;

    /**
     * What mime4j's lenient parser makes of the list, read in pieces of about {@code chunkChars}: the list
     * is cut at top-level commas ({@link #addressSegments}) and consecutive segments are parsed together; a
     * long segment of plain words (a display name without an address, as in that header) is what mime4j
     * makes of it, a name-less mailbox of the decoded words, without the quadratic parse.
     */
    static List<Address> parseAddressList(String value, int chunkChars) {
        List<Address> addresses = new ArrayList<>();
        if (value.length() <= chunkChars) {
            addresses.addAll(LenientAddressParser.DEFAULT.parseAddressList(value));
            return addresses;
        }
        List<String> pending = new ArrayList<>();
        int pendingLength = 0;
        for (String segment : addressSegments(value)) {
            if (segment.length() > chunkChars && isPlainWords(segment)) {
                parseTogether(pending, addresses);
                pendingLength = 0;
                String words = singleSpaced(segment);
                if (!words.isEmpty()) {
                    addresses.add(new Mailbox(null, null, EncodedWords.decodeLikeMime4j(words, Map.of()), null));
                }
                continue;
            }
            pending.add(segment);
            pendingLength += segment.length() + 1;
            if (pendingLength >= chunkChars) {
                parseTogether(pending, addresses);
                pendingLength = 0;
            }
        }
        parseTogether(pending, addresses);
        return addresses;
    }

    private static void parseTogether(List<String> segments, List<Address> addresses) {
        if (!segments.isEmpty()) {
            addresses.addAll(LenientAddressParser.DEFAULT.parseAddressList(String.join(",", segments)));
            segments.clear();
        }
    }

    /** The words of a segment, one space between each (blanks and line ends collapsed, none at the ends). */
    private static String singleSpaced(String segment) {
        StringBuilder out = new StringBuilder(segment.length());
        boolean gap = false;
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                gap = out.length() > 0;
            } else {
                if (gap) {
                    out.append(' ');
                    gap = false;
                }
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Printable ASCII words and blanks, none of the characters mime4j's address parser treats specially. */
    private static boolean isPlainWords(String segment) {
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (!(c == ' ' || c == '\t' || (c > ' ' && c < 0x7F && !ADDRESS_SPECIAL[c]))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The address list cut at its top-level commas (the commas left out), such that each segment parses
     * to the same addresses as it does inside the whole list. A comma is top-level outside quoted strings,
     * comments, angle brackets and groups ({@code name: ... ;}), tracked with mime4j's escapes. Where mime4j
     * reads differently from that structure the list is left whole: anything unbalanced (an unclosed
     * quote, comment, bracket or group, a stray closing one, a second colon), brackets without a local part
     * and an @ after it (a route, or none: mime4j then reads on past the {@code >}), a quote or colon after an @ (mime4j takes them literally in a
     * domain, which only a comma ends), and non-ASCII text (mime4j measures the list in characters but
     * reads it as UTF-8 bytes).
     */
    static List<String> addressSegments(String value) {
        List<String> whole = List.of(value);
        List<String> segments = new ArrayList<>();
        boolean quoted = false;
        boolean escaped = false;
        boolean bracket = false;
        boolean bracketHasAt = false;
        boolean bracketLocal = false;
        boolean group = false;
        boolean afterAt = false;
        int comment = 0;
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= 0x80) {
                return whole;
            } else if (escaped) {
                escaped = false;
            } else if (quoted) {
                if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (comment > 0) {
                if (c == '\\') {
                    escaped = true;
                } else if (c == '(') {
                    comment++;
                } else if (c == ')') {
                    comment--;
                }
            } else if (c == '"') {
                if (afterAt) {
                    return whole;
                }
                quoted = true;
                bracketLocal |= bracket;
            } else if (c == '(') {
                comment = 1;
            } else if (c == ')') {
                return whole;
            } else if (c == '@') {
                if (bracket && !bracketLocal) {
                    return whole; // a route (<@a,@b:x@y>) or no local part: mime4j may read past the '>'
                }
                afterAt = true;
                bracketHasAt |= bracket;
            } else if (c == '<') {
                if (bracket) {
                    return whole;
                }
                bracket = true;
                bracketHasAt = false;
                bracketLocal = false;
            } else if (c == '>') {
                if (!bracket || !bracketHasAt) {
                    return whole;
                }
                bracket = false;
            } else if (bracket) {
                bracketLocal |= c != ' ' && c != '\t';
                continue; // in brackets only '>' ends the address
            } else if (c == ':') {
                if (group || afterAt) {
                    return whole;
                }
                group = true;
            } else if (c == ';') {
                if (group) {
                    group = false;
                    afterAt = false;
                }
            } else if (c == ',') {
                // a domain ends at a comma (in a group at a semicolon too); after an @ anything else is its text
                afterAt = false;
                if (!group) {
                    segments.add(value.substring(start, i));
                    start = i + 1;
                }
            }
        }
        if (quoted || escaped || bracket || group || comment > 0) {
            return whole;
        }
        segments.add(value.substring(start));
        return segments;
    }

    /**
     * Shapes mime4j does not read as senders mean them: an unquoted address used as display name
     * ({@code a@x <a@x>}), the old {@code a@x (Name)} form, where the comment is the name, and a list
     * with blanks where the commas belong ({@code a@x b@y}, or {@code Big Bug bb@x}), which mime4j
     * runs together into one address.
     */
    private static List<EmailAddress> repaired(List<EmailAddress> addresses, String unfolded) {
        List<EmailAddress> result = new ArrayList<>(addresses.size());
        for (EmailAddress address : addresses) {
            String value = address.address();
            int open = value == null ? -1 : value.indexOf('<');
            if (open > 0 && value.endsWith(">")) {
                String name = value.substring(0, open).strip();
                result.add(new EmailAddress(address.name() != null ? address.name() : name,
                    value.substring(open + 1, value.length() - 1).strip(), address.group()));
            } else {
                result.add(address);
            }
        }
        if (result.size() == 1 && result.get(0).name() == null && result.get(0).group() == null) {
            List<EmailAddress> blankSeparated = blankSeparated(unfolded);
            if (blankSeparated != null) {
                return blankSeparated;
            }
            Matcher comment = TRAILING_COMMENT.matcher(unfolded);
            if (comment.matches() && !comment.group(2).isBlank()) {
                EmailAddress only = result.get(0);
                result.set(0, new EmailAddress(EncodedWords.decode(comment.group(2).strip()), only.address(), only.group()));
            }
        }
        return result;
    }

    /** Words without any of {@code <>",;:()}, where at least two are addresses or the last one is; else null. */
    private static List<EmailAddress> blankSeparated(String unfolded) {
        String value = unfolded.strip();
        if (value.isEmpty() || value.chars().anyMatch(c -> "<>\",;:()".indexOf(c) >= 0)) {
            return null;
        }
        String[] words = value.split("\\s+");
        long addresses = Arrays.stream(words).filter(word -> word.indexOf('@') > 0).count();
        if (words.length < 2 || addresses == 0) {
            return null;
        }
        String last = words[words.length - 1];
        if (addresses == 1 && last.indexOf('@') > 0) {
            String name = String.join(" ", Arrays.asList(words).subList(0, words.length - 1));
            return List.of(new EmailAddress(clean(name), Charsets.redecode(last), null));
        }
        if (addresses == words.length) {
            return Arrays.stream(words).map(word -> new EmailAddress(null, Charsets.redecode(word), null)).toList();
        }
        return null;
    }

    private static EmailAddress mailbox(Mailbox mailbox, String group) {
        String localPart = mailbox.getLocalPart();
        if (mailbox.getDomain() == null && mailbox.getName() == null && localPart != null && !localPart.isEmpty()) {
            // a bare word ("From: Whomever") is a name without an address, not a local address
            return new EmailAddress(clean(localPart), null, group);
        }
        String address = localPart == null || localPart.isEmpty() ? null : mailbox.getAddress();
        return new EmailAddress(clean(mailbox.getName()), address == null ? null : Charsets.redecode(EightBit.restore(address)), group);
    }

    private static String clean(String name) {
        if (name == null) {
            return null;
        }
        String text = Charsets.redecode(EightBit.restore(name)).strip();
        return text.isEmpty() ? null : text;
    }

    /**
     * mime4j's address parser cuts domains that hold 8-bit characters (RFC 6532 raw UTF-8, which mime4j
     * hands over as Latin-1 characters): it measures the domain in encoded bytes and slices characters,
     * so {@code märy@exämple.net} comes back as {@code exÃ¤mple.n}. Every character above US-ASCII is
     * therefore given to the parser as an ASCII atext marker and put back in the parts it returns.
     */
    static final class EightBit {
        private static final String OPEN = "{~";
        private static final String CLOSE = "~}";
        private static final Pattern MARKER = Pattern.compile("\\{~([0-9a-f]{1,6})~}");

        private EightBit() {
        }

        static String protect(String value) {
            if (!value.contains(OPEN) && value.chars().allMatch(c -> c < 0x80)) {
                return value;
            }
            // '{' is written as a marker too, so text that looks like one comes back as it was
            StringBuilder out = new StringBuilder(value.length() + 16);
            value.codePoints().forEach(c -> {
                if (c < 0x80 && c != '{') {
                    out.append((char) c);
                } else {
                    out.append(OPEN).append(Integer.toHexString(c)).append(CLOSE);
                }
            });
            return out.toString();
        }

        static String restore(String value) {
            if (value == null || !value.contains(OPEN)) {
                return value;
            }
            return MARKER.matcher(value).replaceAll(m -> new String(Character.toChars(Integer.parseInt(m.group(1), 16))));
        }
    }
}
