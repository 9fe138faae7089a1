package org.mailhook.codec;

import java.io.IOException;
import java.io.InputStream;

import org.apache.james.mime4j.codec.DecodeMonitor;

/**
 * A base64 body (RFC 2045 6.8) decoded as postal-mime and stalwart decode it (mailparser too where the
 * padding ends a line), damaged input included. Characters outside the alphabet are skipped (a warning
 * unless CR, LF or space). A run of {@code =} ends a unit: its last quantum gives its whole bytes ("XY==" one, "XYZ=" two; a lone sextet
 * carries no whole byte and is dropped with a warning), and characters after the padding are decoded as a
 * new unit (once a warning), as mailers that encode each line or chunk on its own write them. A body cut
 * inside its last quantum keeps that quantum's whole bytes, with a warning. RFC 2045 6.8 says a {@code =}
 * "may be taken as evidence that the end of the data has been reached"; it does not say to drop what
 * follows, and reading on loses nothing a valid body has: there, nothing follows the padding.
 *
 * <p>One decoder for the message document ({@code org.mailhook.json}: body text, attachment hashes,
 * attachment extraction) and the attachment scanner ({@code org.mailhook.attachments}), so a part's
 * SHA-256 in the document names the bytes the scanner judged. Whole quanta of four valid characters,
 * most of any body, are decoded together; {@code Base64BodyTest} compares it with a plain reading of the
 * rules above on random damaged input read in random sizes.
 */
public final class Base64Body extends InputStream {
    private static final int[] DECODE = new int[256];

    static {
        java.util.Arrays.fill(DECODE, -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            DECODE[alphabet.charAt(i)] = i;
        }
    }

    private final InputStream in;
    private final DecodeMonitor monitor;
    private final byte[] encoded = new byte[8192];
    private int position;
    private int size;
    /** Decoded bytes of the last quantum that did not fit the caller's buffer. */
    private final byte[] pending = new byte[3];
    private int pendingFrom;
    private int pendingTo;
    private int data;
    private int sextets;
    private boolean eof;
    /** After a run of {@code =}: more {@code =} belong to it, anything else starts a new unit. */
    private boolean padded;
    private boolean warnedAfterPadding;
    private final byte[] one = new byte[1];

    /** @param monitor told of damage (mime4j's {@code DecodeMonitor}, as its decoders are) */
    public Base64Body(InputStream in, DecodeMonitor monitor) {
        this.in = in;
        this.monitor = monitor;
    }

    @Override
    public int read() throws IOException {
        int n;
        do {
            n = read(one, 0, 1);
        } while (n == 0);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, buffer.length);
        if (length == 0) {
            return 0;
        }
        int index = offset;
        int to = offset + length;
        while (pendingFrom < pendingTo && index < to) {
            buffer[index++] = pending[pendingFrom++];
        }
        if (eof || index == to) {
            return index == offset && eof ? -1 : index - offset;
        }
        while (index < to) {
            if (position == size) {
                int n = in.read(encoded, 0, encoded.length);
                if (n < 0) {
                    eof = true;
                    if (sextets != 0) {
                        index = endUnit(buffer, index, to, "Unexpected end of BASE64 stream");
                    }
                    return index == offset ? -1 : index - offset;
                }
                position = 0;
                size = n;
                continue;
            }
            // whole quanta of valid characters, while the caller has room for their three bytes
            if (sextets == 0 && !padded) {
                while (size - position >= 4 && to - index >= 3) {
                    int a = DECODE[encoded[position] & 0xFF];
                    int b = DECODE[encoded[position + 1] & 0xFF];
                    int c = DECODE[encoded[position + 2] & 0xFF];
                    int d = DECODE[encoded[position + 3] & 0xFF];
                    if ((a | b | c | d) < 0) {
                        break;
                    }
                    int quantum = a << 18 | b << 12 | c << 6 | d;
                    buffer[index++] = (byte) (quantum >>> 16);
                    buffer[index++] = (byte) (quantum >>> 8);
                    buffer[index++] = (byte) quantum;
                    position += 4;
                }
                if (position == size || index == to) {
                    continue;
                }
            }
            int value = encoded[position++] & 0xFF;
            if (value == '=') {
                if (!padded) {
                    padded = true;
                    if (sextets == 0) {
                        monitor.warn("Unexpected padding character", "after a whole quantum");
                    } else {
                        index = endUnit(buffer, index, to, "Unexpected padding character");
                    }
                }
                continue;
            }
            int decoded = DECODE[value];
            if (decoded < 0) {
                if (value != '\r' && value != '\n' && value != ' ') {
                    monitor.warn("Unexpected base64 byte: " + (byte) value, "ignoring.");
                }
                continue;
            }
            if (padded) {
                padded = false;
                if (!warnedAfterPadding) {
                    warnedAfterPadding = true;
                    monitor.warn("Base64 data after padding", "decoded as a new unit");
                }
            }
            data = data << 6 | decoded;
            if (++sextets == 4) {
                sextets = 0;
                index = emit(buffer, index, to, (byte) (data >>> 16), (byte) (data >>> 8), (byte) data, 3);
            }
        }
        return index - offset;
    }

    /**
     * The end of a unit with {@code sextets} of its last quantum read, by padding or by the end of the part:
     * "XY" is one byte, "XYZ" two (padding is expected there, the end of the part is a warning), a lone
     * sextet is dropped with a warning.
     */
    private int endUnit(byte[] buffer, int index, int to, String endOfPart) {
        int left = sextets;
        sextets = 0;
        if (left == 1) {
            monitor.warn(padded ? "Unexpected padding character" : endOfPart, "dropping 1 sextet(s)");
            return index;
        }
        if (!padded) {
            monitor.warn(endOfPart, "keeping the " + (left - 1) + " whole byte(s) of a cut quantum");
        }
        return left == 2 ? emit(buffer, index, to, (byte) (data >>> 4), (byte) 0, (byte) 0, 1)
            : emit(buffer, index, to, (byte) (data >>> 10), (byte) ((data >>> 2) & 0xFF), (byte) 0, 2);
    }

    private int emit(byte[] buffer, int index, int to, byte b1, byte b2, byte b3, int count) {
        pendingFrom = 0;
        pendingTo = 0;
        index = put(buffer, index, to, b1);
        if (count > 1) {
            index = put(buffer, index, to, b2);
        }
        if (count > 2) {
            index = put(buffer, index, to, b3);
        }
        return index;
    }

    private int put(byte[] buffer, int index, int to, byte b) {
        if (index < to) {
            buffer[index++] = b;
        } else {
            pending[pendingTo++] = b;
        }
        return index;
    }

    /** Leaves the part's stream to its owner, as mime4j's decoder does. */
    @Override
    public void close() {
        eof = true;
    }
}
