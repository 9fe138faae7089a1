package org.mailhook.json;

import java.io.IOException;
import java.io.InputStream;

import org.apache.james.mime4j.codec.DecodeMonitor;

/**
 * A base64 body decoded exactly as mime4j's {@code Base64InputStream} (0.8.12) decodes it, damaged input
 * included: characters outside the alphabet are skipped (a warning unless CR, LF or space), the first
 * {@code =} ends the data (its quantum decoded as padding, or a warning), a quantum cut short by the end
 * of the part is dropped with a warning. It differs in speed only: whole quanta of four valid characters,
 * most of any body, are decoded together instead of character by character with a check per output byte.
 * {@code Base64BodyTest} compares the two on random damaged input read in random sizes.
 */
final class Base64Body extends InputStream {
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
    private final byte[] one = new byte[1];

    Base64Body(InputStream in, DecodeMonitor monitor) {
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
                        monitor.warn("Unexpected end of BASE64 stream", "dropping " + sextets + " sextet(s)");
                        sextets = 0;
                    }
                    return index == offset ? -1 : index - offset;
                }
                position = 0;
                size = n;
                continue;
            }
            // whole quanta of valid characters, while the caller has room for their three bytes
            if (sextets == 0) {
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
                eof = true;
                index = pad(buffer, index, to);
                return index == offset ? -1 : index - offset;
            }
            int decoded = DECODE[value];
            if (decoded < 0) {
                if (value != '\r' && value != '\n' && value != ' ') {
                    monitor.warn("Unexpected base64 byte: " + (byte) value, "ignoring.");
                }
                continue;
            }
            data = data << 6 | decoded;
            if (++sextets == 4) {
                sextets = 0;
                index = emit(buffer, index, to, (byte) (data >>> 16), (byte) (data >>> 8), (byte) data, 3);
            }
        }
        return index - offset;
    }

    /** The quantum a {@code =} ends: "XY==" is one byte, "XYZ=" two; anything else is a warning. */
    private int pad(byte[] buffer, int index, int to) {
        int padded = sextets;
        sextets = 0;
        if (padded == 2) {
            return emit(buffer, index, to, (byte) (data >>> 4), (byte) 0, (byte) 0, 1);
        } else if (padded == 3) {
            return emit(buffer, index, to, (byte) (data >>> 10), (byte) ((data >>> 2) & 0xFF), (byte) 0, 2);
        }
        monitor.warn("Unexpected padding character", "dropping " + padded + " sextet(s)");
        return index;
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
