package org.mailhook.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a stream whose size is known, or expected, into one array of that size. {@code readAllBytes}
 * gathers chunks and then copies them into the result: twice the bytes at its peak (80 MB for a 40 MB
 * mail). A stream that turns out shorter or longer than expected is still read whole, at the cost of one copy.
 */
public final class SizedRead {
    private SizedRead() {
    }

    /** Every byte of {@code in}; {@code expected} not positive (or too large for one array) means unknown. */
    public static byte[] readAll(InputStream in, long expected) throws IOException {
        if (expected <= 0 || expected > Integer.MAX_VALUE - 16) {
            return in.readAllBytes();
        }
        byte[] bytes = new byte[(int) expected];
        int read = in.readNBytes(bytes, 0, bytes.length);
        if (read < bytes.length) {
            return Arrays.copyOf(bytes, read);
        }
        int next = in.read();
        if (next == -1) {
            return bytes;
        }
        ByteArrayOutputStream longer = new ByteArrayOutputStream(bytes.length + 8192);
        longer.writeBytes(bytes);
        longer.write(next);
        in.transferTo(longer);
        return longer.toByteArray();
    }
}
