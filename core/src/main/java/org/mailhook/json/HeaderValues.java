package org.mailhook.json;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.field.DateTimeFieldLenientImpl;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.util.ByteSequence;

/**
 * Header field values: raw text and unfolding, message ids and dates. Encoded words are decoded by
 * {@link EncodedWords}, address lists read by {@link Addresses}.
 */
final class HeaderValues {
    private static final Pattern COMMENT = Pattern.compile("\\([^()]*\\)");
    private static final Pattern OBSOLETE_ZONE = Pattern.compile("\\s(UT|GMT|EST|EDT|CST|CDT|MST|MDT|PST|PDT)[0-9A-Z]*\\s*$");
    private static final Pattern THREE_DIGIT_ZONE = Pattern.compile("\\s([+-])(\\d{3})\\s*$");
    private static final Map<String, String> ZONE_OFFSETS = Map.of("UT", "+0000", "GMT", "+0000", "EST", "-0500",
        "EDT", "-0400", "CST", "-0600", "CDT", "-0500", "MST", "-0700", "MDT", "-0600", "PST", "-0800", "PDT", "-0700");
    private static final Pattern MSG_ID = Pattern.compile("<([^<>]*)>");
    private static final Pattern ID_SEPARATORS = Pattern.compile("[\\s,]+");

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
        return EncodedWords.joinFoldedWords(unfoldLines(raw).strip());
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
        if (value.indexOf('(') >= 0) {
            // comments first: mime4j stops at one and drops the zone after it, "00:19:00 (EDT) -0400"
            value = withoutComments(value).replaceAll("\\s+", " ").strip();
        }
        Matcher shortZone = THREE_DIGIT_ZONE.matcher(value);
        if (shortZone.find()) {
            // "-600": an hours digit left out, read as -0600 as other mail readers do
            value = value.substring(0, shortZone.start()) + " " + shortZone.group(1) + "0" + shortZone.group(2);
        }
        Matcher zone = OBSOLETE_ZONE.matcher(value);
        if (zone.find()) {
            // RFC 5322 4.3 obsolete zone names, which mime4j reads as UTC
            value = value.substring(0, zone.start()) + " " + ZONE_OFFSETS.get(zone.group(1));
        }
        Instant date = lenientDate(field.getName(), value);
        if (date == null) {
            // RFC 5322 obsolete syntax: (nested) comments, blanks around the time's colons; or a trace
            // header's "...; date"
            String cleaned = withoutComments(value.substring(value.lastIndexOf(';') + 1));
            cleaned = cleaned.replaceAll("\\s*:\\s*", ":").replaceAll("\\s+", " ").strip();
            date = lenientDate(field.getName(), cleaned);
        }
        return date;
    }

    /** RFC 5322 comments, nested up to five deep, each replaced by a blank. */
    private static String withoutComments(String value) {
        String cleaned = value;
        for (int i = 0; i < 5 && cleaned.indexOf('(') >= 0; i++) {
            cleaned = COMMENT.matcher(cleaned).replaceAll(" ");
        }
        return cleaned;
    }

    /** The date in the common form with a four-digit year (the JDK reads "97" as the year 97), or null. */
    static Instant rfc1123(String value) {
        try {
            OffsetDateTime date = OffsetDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
            return date.getYear() >= 1000 ? date.toInstant() : null;
        } catch (DateTimeException e) {
            return null;
        }
    }

    /**
     * An RFC 5322 date as most mail writes it ({@code Tue, 8 Dec 2026 00:20:40 +0000}), read by the JDK's
     * RFC 1123 parser; anything else (two-digit years, obsolete forms, a weekday that contradicts the date)
     * by mime4j's lenient one, which tries pattern after pattern and costs about ten times more.
     */
    private static Instant lenientDate(String name, String value) {
        Instant common = rfc1123(value);
        if (common != null) {
            return common;
        }
        try {
            Date date = DateTimeFieldLenientImpl.PARSER.parse(new RawField(name, value), DecodeMonitor.SILENT).getDate();
            return date == null ? null : date.toInstant();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
