package org.mailhook.json;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.dom.address.Address;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.DateTimeFieldLenientImpl;
import org.apache.james.mime4j.field.address.LenientAddressParser;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.util.ByteSequence;

/** Header field values: raw text, unfolding, RFC 2047 decoding, addresses, message ids and dates. */
final class HeaderValues {
    /** A fold inside an encoded word (broken folding by the sender): the word is joined again. */
    private static final Pattern FOLD_IN_WORD = Pattern.compile("(=\\?[^?\\s]{1,40}\\?[QqBb]\\?[^?\\s]*) (?=[^?\\s]*\\?=)");
    private static final Pattern COMMENT = Pattern.compile("\\([^()]*\\)");
    private static final Pattern TRAILING_COMMENT = Pattern.compile("^\\s*<?([^<>()\\s,]+)>?\\s*\\((.*)\\)\\s*$");
    private static final Pattern OBSOLETE_ZONE = Pattern.compile("\\s(UT|GMT|EST|EDT|CST|CDT|MST|MDT|PST|PDT)[0-9A-Z]*\\s*$");
    private static final Map<String, String> ZONE_OFFSETS = Map.of("UT", "+0000", "GMT", "+0000", "EST", "-0500",
        "EDT", "-0400", "CST", "-0600", "CDT", "-0500", "MST", "-0700", "MDT", "-0600", "PST", "-0800", "PDT", "-0700");
    private static final Pattern MSG_ID = Pattern.compile("<([^<>]*)>");
    private static final Pattern ID_SEPARATORS = Pattern.compile("[\\s,]+");

    /** ASCII characters mime4j's address parser treats specially, by code. */
    private static final boolean[] ADDRESS_SPECIAL = asciiSet("\"()<>@,;:\\");
    /** RFC 5322 specials, which RFC 2047 forbids in a phrase's Q-encoded words, by code. */
    private static final boolean[] PHRASE_SPECIAL = asciiSet("\"()<>@,;:\\.[]");

    private static boolean[] asciiSet(String members) {
        boolean[] set = new boolean[128];
        members.chars().forEach(c -> set[c] = true);
        return set;
    }

    /** One address; {@code group} names the RFC 5322 group it was listed in, or is null. */
    record EmailAddress(String name, String address, String group) {
    }

    private HeaderValues() {
    }

    /** The value as it appears in the mail (folding kept), 8-bit bytes read as UTF-8 or else windows-1252. */
    static String rawValue(Field field) {
        ByteSequence raw = field.getRaw();
        if (raw == null) {
            return field.getBody() == null ? "" : field.getBody();
        }
        byte[] bytes = raw.toByteArray();
        int start = field instanceof RawField rawField && rawField.getDelimiterIdx() >= 0
            ? rawField.getDelimiterIdx() + 1 : indexOfColon(bytes) + 1;
        while (start < bytes.length && (bytes[start] == ' ' || bytes[start] == '\t')) {
            start++;
        }
        byte[] value = new byte[Math.max(0, bytes.length - start)];
        System.arraycopy(bytes, Math.min(start, bytes.length), value, 0, value.length);
        return Charsets.decodeUnlabelled(value, value.length);
    }

    private static int indexOfColon(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == ':') {
                return i;
            }
        }
        return bytes.length - 1;
    }

    /**
     * The value on one line: each fold and the blanks around it become one space (RFC 5322 unfolding,
     * with the indentation that folding adds not kept), and encoded words that a sender folded in the
     * middle are joined again.
     */
    static String unfold(String raw) {
        String unfolded = unfoldLines(raw).strip();
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

    /**
     * Replaces each fold (blanks, a line break, and at least one blank) by one space and drops other line
     * break characters: what {@code [ \t]*\r?\n[ \t]+ → " ", \r|\n → ""} does, in one pass (a regular
     * expression is slow on headers of thousands of folds).
     */
    private static String unfoldLines(String raw) {
        if (raw.indexOf('\n') < 0 && raw.indexOf('\r') < 0) {
            return raw;
        }
        StringBuilder out = new StringBuilder(raw.length());
        int length = raw.length();
        int i = 0;
        while (i < length) {
            char c = raw.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                int blanksEnd = i;
                while (blanksEnd < length && isBlank(raw.charAt(blanksEnd))) {
                    blanksEnd++;
                }
                int lineFeed = blanksEnd < length && raw.charAt(blanksEnd) == '\r' ? blanksEnd + 1 : blanksEnd;
                if (lineFeed < length && raw.charAt(lineFeed) == '\n' && lineFeed + 1 < length && isBlank(raw.charAt(lineFeed + 1))) {
                    int next = lineFeed + 1;
                    while (next < length && isBlank(raw.charAt(next))) {
                        next++;
                    }
                    out.append(' ');
                    i = next;
                } else if (blanksEnd > i) {
                    out.append(raw, i, blanksEnd);
                    i = blanksEnd;
                } else {
                    i++; // a CR or LF that is not part of a fold
                }
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    /** RFC 2047 encoded words decoded; a word in an unknown charset is read as UTF-8 when valid, else windows-1252. */
    static String decodeWords(String unfolded) {
        return decodeWords(unfolded, null);
    }

    /** {@link #decodeWords(String)}, telling {@code unknownLabels} (when not null) each unknown charset label. */
    static String decodeWords(String unfolded, Consumer<String> unknownLabels) {
        if (!unfolded.contains("=?")) {
            return unfolded;
        }
        try {
            return EncodedWords.decode(readableWords(unfolded, unknownLabels), CharsetLabels.SUPERSETS);
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
                bytes = java.util.Base64.getMimeDecoder().decode(encoded);
            } catch (IllegalArgumentException e) {
                return "=?" + label + "?" + encoding + "?" + encoded + "?=";
            }
        } else {
            bytes = qDecoded(encoded);
        }
        String text = charset != null ? new String(bytes, charset) : Charsets.decodeUnlabelled(bytes, bytes.length);
        return "=?UTF-8?B?" + java.util.Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)) + "?=";
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

    static List<EmailAddress> addresses(String unfolded) {
        List<EmailAddress> result = new ArrayList<>();
        List<Address> list;
        try {
            list = parseAddressList(specialsOutOfWords(readableWords(unfolded, null)), ADDRESS_CHUNK_CHARS);
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
        return repaired(result, unfolded);
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
                    addresses.add(new Mailbox(null, null, EncodedWords.decode(words, Map.of()), null));
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
     * Two common shapes mime4j does not read as senders mean them: an unquoted address used as display
     * name ({@code a@x <a@x>}), and the old {@code a@x (Name)} form, where the comment is the name.
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
        if (result.size() == 1 && result.get(0).name() == null) {
            Matcher comment = TRAILING_COMMENT.matcher(unfolded);
            if (comment.matches() && !comment.group(2).isBlank()) {
                EmailAddress only = result.get(0);
                result.set(0, new EmailAddress(decodeWords(comment.group(2).strip()), only.address(), only.group()));
            }
        }
        return result;
    }

    private static EmailAddress mailbox(Mailbox mailbox, String group) {
        String localPart = mailbox.getLocalPart();
        if (mailbox.getDomain() == null && mailbox.getName() == null && localPart != null && !localPart.isEmpty()) {
            // a bare word ("From: Whomever") is a name without an address, not a local address
            return new EmailAddress(clean(localPart), null, group);
        }
        String address = localPart == null || localPart.isEmpty() ? null : mailbox.getAddress();
        return new EmailAddress(clean(mailbox.getName()), address == null ? null : redecode(address), group);
    }

    private static String clean(String name) {
        if (name == null) {
            return null;
        }
        String text = redecode(name).strip();
        return text.isEmpty() ? null : text;
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

    /** Ids in angle brackets, brackets removed; a bare value counts as one id. */
    static List<String> messageIds(String unfolded) {
        List<String> ids = new ArrayList<>();
        Matcher matcher = MSG_ID.matcher(unfolded);
        while (matcher.find()) {
            String id = matcher.group(1).strip();
            if (!id.isEmpty()) {
                ids.add(id);
            }
        }
        if (ids.isEmpty() && unfolded.indexOf('<') < 0) {
            for (String token : ID_SEPARATORS.split(unfolded)) {
                if (!token.isEmpty()) {
                    ids.add(token);
                }
            }
        }
        return ids;
    }

    /** The date as an instant, or null when the value is not a date mime4j's lenient parser accepts. */
    static Instant date(Field field) {
        String value = unfold(rawValue(field));
        Matcher zone = OBSOLETE_ZONE.matcher(value);
        if (zone.find()) {
            // RFC 5322 4.3 obsolete zone names, which mime4j reads as UTC
            value = value.substring(0, zone.start()) + " " + ZONE_OFFSETS.get(zone.group(1));
        }
        Instant date = lenientDate(new RawField(field.getName(), value));
        if (date == null) {
            // RFC 5322 obsolete syntax: (nested) comments, blanks around the time's colons; or a trace
            // header's "...; date"
            String cleaned = value.substring(value.lastIndexOf(';') + 1);
            for (int i = 0; i < 5 && cleaned.indexOf('(') >= 0; i++) {
                cleaned = COMMENT.matcher(cleaned).replaceAll(" ");
            }
            cleaned = cleaned.replaceAll("\\s*:\\s*", ":").replaceAll("\\s+", " ").strip();
            date = lenientDate(new RawField(field.getName(), cleaned));
        }
        return date;
    }

    private static Instant lenientDate(Field field) {
        try {
            Date date = DateTimeFieldLenientImpl.PARSER.parse(field, DecodeMonitor.SILENT).getDate();
            return date == null ? null : date.toInstant();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
