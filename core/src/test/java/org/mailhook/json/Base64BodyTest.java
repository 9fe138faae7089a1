package org.mailhook.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

import org.apache.james.mime4j.codec.Base64InputStream;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.junit.jupiter.api.Test;

/**
 * Base64Body decodes what mime4j's Base64InputStream decodes and warns as it warns, on clean bodies and
 * on bodies damaged with stray characters, line ends, early and misplaced padding and cut quanta, read
 * in random sizes from a source that also hands out data in random sizes.
 */
class Base64BodyTest {
    private static final byte[] DAMAGE = "=\r\n \t!*-.\u00e9".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    /** Hands out at most a random number of bytes per read, as a boundary-limited part stream does. */
    private static InputStream choppy(byte[] bytes, Random random) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1 + random.nextInt(5000)));
            }
        };
    }

    private record Decoded(byte[] bytes, List<String> warnings) {
    }

    private static Decoded decode(boolean ours, byte[] input, long seed) throws IOException {
        Random random = new Random(seed);
        List<String> warnings = new ArrayList<>();
        DecodeMonitor monitor = new DecodeMonitor() {
            @Override
            public boolean warn(String error, String dropDesc) {
                warnings.add(error + " / " + dropDesc);
                return false;
            }

            @Override
            public boolean isListening() {
                return true;
            }
        };
        InputStream source = choppy(input, random);
        InputStream decoder = ours ? new Base64Body(source, monitor) : new Base64InputStream(source, monitor);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        while (true) {
            int n;
            if (random.nextInt(10) == 0) {
                int b = decoder.read();
                if (b < 0) {
                    break;
                }
                out.write(b);
                continue;
            }
            n = decoder.read(buffer, 0, 1 + random.nextInt(random.nextBoolean() ? 4 : buffer.length));
            if (n < 0) {
                break;
            }
            out.write(buffer, 0, n);
        }
        return new Decoded(out.toByteArray(), warnings);
    }

    @Test
    void decodesAndWarnsExactlyAsMime4j() throws IOException {
        Random random = new Random(2045);
        int damaged = 0;
        for (int n = 0; n < 3_000; n++) {
            byte[] data = new byte[random.nextInt(n % 50 == 0 ? 60_000 : 400)];
            random.nextBytes(data);
            StringBuilder body = new StringBuilder(Base64.getMimeEncoder(random.nextBoolean() ? 76 : 64, "\r\n".getBytes()).encodeToString(data));
            if (random.nextBoolean()) {
                damaged++;
                for (int d = random.nextInt(6); d >= 0 && body.length() > 0; d--) {
                    int at = random.nextInt(body.length());
                    switch (random.nextInt(3)) {
                        case 0 -> body.insert(at, (char) (DAMAGE[random.nextInt(DAMAGE.length)] & 0xFF));
                        case 1 -> body.deleteCharAt(at);
                        default -> body.setLength(at);
                    }
                }
            }
            byte[] input = body.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            long seed = random.nextLong();
            Decoded expected = decode(false, input, seed);
            Decoded actual = decode(true, input, seed);
            assertThat(actual.bytes()).as("body %d", n).isEqualTo(expected.bytes());
            assertThat(actual.warnings()).as("body %d", n).isEqualTo(expected.warnings());
        }
        assertThat(damaged).isGreaterThan(1_000);
    }
}
