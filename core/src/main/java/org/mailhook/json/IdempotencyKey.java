package org.mailhook.json;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The idempotency key ({@code id}) of a mail, recipe {@code mh1}:
 * <pre>
 *   id = "mh1_" + hex(SHA-256(
 *          "mailhook-id-v1\n"
 *          + for each top-level header field, in order, whose name is one of KEY_HEADERS:
 *              lowercase(name) + ":" + value unfolded, runs of blanks collapsed to one space, trimmed + "\n"
 *          + "\n"
 *          + SHA-256(body)))[0..32)
 * </pre>
 * where {@code body} is the raw bytes after the header/body separator with every CR removed and trailing
 * line breaks dropped. Only origination and content headers count: trace and relay headers
 * (Received, Return-Path, Delivered-To, Authentication-Results, ARC-*, DKIM-Signature, X-* scanner
 * stamps ...) differ between two arrivals of the same mail and are left out, as is the SMTP envelope.
 * Message-ID counts when present but is not needed: date, addresses, subject and body make the key.
 */
final class IdempotencyKey {
    static final Set<String> KEY_HEADERS = Set.of("from", "sender", "reply-to", "to", "cc", "date", "subject",
        "message-id", "in-reply-to", "references", "mime-version", "content-type", "content-transfer-encoding",
        "content-disposition");


    private IdempotencyKey() {
    }

    static String of(List<MessageModel.Header> headers, byte[] bodyDigest) {
        MessageDigest digest = MeasuredStream.newSha256();
        digest.update("mailhook-id-v1\n".getBytes(StandardCharsets.UTF_8));
        for (MessageModel.Header header : headers) {
            String name = header.name().strip().toLowerCase(Locale.ROOT);
            if (KEY_HEADERS.contains(name)) {
                String value = collapsedBlanks(header.raw()).strip();
                digest.update((name + ":" + value + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        digest.update((byte) '\n');
        digest.update(bodyDigest);
        return "mh1_" + HexFormat.of().formatHex(digest.digest(), 0, 16);
    }

    /** The value with line breaks removed and each run of blanks made one space, in one pass. */
    static String collapsedBlanks(String raw) {
        StringBuilder out = new StringBuilder(raw.length());
        boolean blank = false;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == ' ' || c == '\t') {
                blank = true;
            } else if (c != '\r' && c != '\n') {
                if (blank) {
                    out.append(' ');
                    blank = false;
                }
                out.append(c);
            }
        }
        if (blank) {
            out.append(' ');
        }
        return out.toString();
    }

    /**
     * Hashes the canonical body while the raw mail streams past: waits for the first empty line, then
     * hashes bytes with CRs removed, holding back line breaks until more content follows.
     */
    static final class BodyDigest {
        private final MessageDigest digest = MeasuredStream.newSha256();
        // runs are copied into one buffer and hashed in large blocks: one digest call per line is slow
        private final byte[] buffered = new byte[16384];
        private int bufferedLength;
        private boolean inBody;
        private int lineLength;
        private long pendingBreaks;

        void update(byte[] buffer, int offset, int length) {
            int end = offset + length;
            int i = offset;
            while (!inBody && i < end) {
                byte b = buffer[i++];
                if (b == '\n') {
                    inBody = lineLength == 0;
                    lineLength = 0;
                } else if (b != '\r') {
                    lineLength++;
                }
            }
            // CRs are dropped; the runs between them are content, except that a run's trailing LFs are held
            // back until more content follows (so trailing line breaks never count)
            while (i < end) {
                int cr = i;
                while (cr < end && buffer[cr] != '\r') {
                    cr++;
                }
                int last = cr;
                while (last > i && buffer[last - 1] == '\n') {
                    last--;
                }
                if (last > i) {
                    appendPendingBreaks();
                    append(buffer, i, last);
                }
                pendingBreaks += cr - last;
                i = cr + 1;
            }
        }

        private void appendPendingBreaks() {
            for (; pendingBreaks > 0; pendingBreaks--) {
                if (bufferedLength == buffered.length) {
                    drainBuffer();
                }
                buffered[bufferedLength++] = '\n';
            }
        }

        private void append(byte[] buffer, int from, int to) {
            int length = to - from;
            if (length > buffered.length - bufferedLength) {
                drainBuffer();
            }
            if (length >= buffered.length) {
                digest.update(buffer, from, length);
            } else {
                System.arraycopy(buffer, from, buffered, bufferedLength, length);
                bufferedLength += length;
            }
        }

        private void drainBuffer() {
            digest.update(buffered, 0, bufferedLength);
            bufferedLength = 0;
        }

        byte[] finish() {
            drainBuffer();
            return digest.digest();
        }
    }
}
