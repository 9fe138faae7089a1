package org.mailhook.auth.results;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Puts our Authentication-Results field on top of a message (RFC 8601 section 5) and drops those that
 * claim our authserv-id (forged or stale, {@link ForgedResults}), working on the received bytes: every
 * other byte stays as it was, whatever the MIME structure, in one pass over the header block.
 */
public final class ResultsHeaderInsertion {
    public static final String NAME = "Authentication-Results";
    private static final byte[] NAME_BYTES = NAME.getBytes(StandardCharsets.US_ASCII);

    private ResultsHeaderInsertion() {
    }

    /**
     * @param message the message as received
     * @param value our field's value (after the colon; folded with CRLF as {@link AuthenticationResultsHeader} writes it)
     * @return the message with our field first and no field claiming {@code authservId}
     */
    public static byte[] insert(byte[] message, String value, String authservId) {
        byte[] field = (NAME + ": " + value + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        // The kept ranges of the message, then one array of exactly their size: a 40 MB mail is copied once.
        List<int[]> kept = new ArrayList<>();
        int position = 0;
        int copiedTo = 0;
        while (position < message.length) {
            int fieldEnd = fieldEnd(message, position);
            if (fieldEnd == position) {
                break; // the empty line that ends the header block
            }
            if (isResultsField(message, position, fieldEnd)
                && ForgedResults.claims(valueOf(message, position, fieldEnd), authservId)) {
                kept.add(new int[] {copiedTo, position});
                copiedTo = fieldEnd;
            }
            position = fieldEnd;
        }
        kept.add(new int[] {copiedTo, message.length});
        int size = field.length;
        for (int[] range : kept) {
            size += range[1] - range[0];
        }
        byte[] out = Arrays.copyOf(field, size);
        int at = field.length;
        for (int[] range : kept) {
            System.arraycopy(message, range[0], out, at, range[1] - range[0]);
            at += range[1] - range[0];
        }
        return out;
    }

    /** Where the field starting at {@code start} ends: after its last line end, continuation lines included. */
    private static int fieldEnd(byte[] message, int start) {
        int position = start;
        while (position < message.length) {
            int lineEnd = lineEnd(message, position);
            if (position == start && lineEnd - position <= 2 && isLineBreakOnly(message, position, lineEnd)) {
                return start;
            }
            position = lineEnd;
            if (position >= message.length || (message[position] != ' ' && message[position] != '\t')) {
                return position;
            }
        }
        return position;
    }

    private static boolean isLineBreakOnly(byte[] message, int from, int to) {
        for (int i = from; i < to; i++) {
            if (message[i] != '\r' && message[i] != '\n') {
                return false;
            }
        }
        return true;
    }

    /** The index after the next line end (CRLF, or a bare LF) at or after {@code from}, or the length. */
    private static int lineEnd(byte[] message, int from) {
        for (int i = from; i < message.length; i++) {
            if (message[i] == '\n') {
                return i + 1;
            }
        }
        return message.length;
    }

    private static boolean isResultsField(byte[] message, int start, int end) {
        if (end - start <= NAME_BYTES.length) {
            return false;
        }
        for (int i = 0; i < NAME_BYTES.length; i++) {
            if (Character.toLowerCase(message[start + i]) != Character.toLowerCase(NAME_BYTES[i])) {
                return false;
            }
        }
        int next = start + NAME_BYTES.length;
        while (next < end && (message[next] == ' ' || message[next] == '\t')) {
            next++;
        }
        return next < end && message[next] == ':';
    }

    private static String valueOf(byte[] message, int start, int end) {
        String field = new String(message, start, end - start, StandardCharsets.ISO_8859_1);
        return field.substring(field.indexOf(':') + 1);
    }
}
