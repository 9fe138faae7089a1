package org.mailhook.json;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.dom.address.Address;
import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.DateTimeFieldLenientImpl;
import org.apache.james.mime4j.field.address.LenientAddressParser;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.util.ByteSequence;

/** Header field values: raw text, unfolding, RFC 2047 decoding, addresses, message ids and dates. */
final class HeaderValues {
    private static final Pattern FOLD = Pattern.compile("\r?\n(?=[ \t])|\r|\n");
    private static final Pattern MSG_ID = Pattern.compile("<([^<>]*)>");
    private static final Pattern ID_SEPARATORS = Pattern.compile("[\\s,]+");

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

    static String unfold(String raw) {
        return FOLD.matcher(raw).replaceAll("").strip();
    }

    /** RFC 2047 encoded words decoded; unknown charsets leave the word as it is. */
    static String decodeWords(String unfolded) {
        if (!unfolded.contains("=?")) {
            return unfolded;
        }
        try {
            return DecoderUtil.decodeEncodedWords(unfolded, DecodeMonitor.SILENT, null, Charsets.OVERRIDES);
        } catch (RuntimeException e) {
            return unfolded;
        }
    }

    static List<EmailAddress> addresses(String unfolded) {
        List<EmailAddress> result = new ArrayList<>();
        AddressList list;
        try {
            list = LenientAddressParser.DEFAULT.parseAddressList(unfolded);
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
        if (ids.isEmpty()) {
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
        Instant date = lenientDate(field);
        if (date == null) {
            // RFC 5322 obsolete syntax: comments and blanks around the time's colons
            String cleaned = unfold(rawValue(field)).replaceAll("\\([^()]*\\)", " ").replaceAll("\\s*:\\s*", ":")
                .replaceAll("\\s+", " ").strip();
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
