package org.mailhook.codec;

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
 * Base64Body decodes as {@link #plainReading} reads the rules (postal-mime's reading; mailparser's for
 * padding at line ends), on clean bodies and on bodies damaged with stray characters, line ends, early and
 * misplaced padding and cut quanta, read in random sizes from a source that also hands out data in random
 * sizes; clean bodies decode as mime4j's Base64InputStream decodes them, without a warning.
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
        return decode(ours, input, new Random(seed));
    }

    private static Decoded decode(boolean ours, byte[] input, Random random) throws IOException {
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

    /**
     * The rules read plainly, as postal-mime's decoder reads them: characters outside the alphabet and
     * {@code =} are dropped, each run of {@code =} ends a unit, each unit decodes its whole quanta and the
     * whole bytes of a last cut one (a lone sextet gives none).
     */
    static byte[] plainReading(byte[] encoded) {
        String text = new String(encoded, java.nio.charset.StandardCharsets.ISO_8859_1).replaceAll("[^A-Za-z0-9+/=]", "");
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String unit : text.split("=+")) {
            int bits = 0;
            int count = 0;
            for (char c : unit.toCharArray()) {
                bits = bits << 6 | alphabet.indexOf(c);
                count += 6;
                if (count >= 8) {
                    count -= 8;
                    out.write(bits >>> count & 0xFF);
                }
            }
        }
        return out.toByteArray();
    }

    @Test
    void decodesDamagedBodiesAsThePlainReadingOfTheRules() throws IOException {
        Random random = new Random(2045);
        int damaged = 0;
        for (int n = 0; n < 3_000; n++) {
            byte[] data = new byte[random.nextInt(n % 50 == 0 ? 60_000 : 400)];
            random.nextBytes(data);
            StringBuilder body = new StringBuilder(Base64.getMimeEncoder(random.nextBoolean() ? 76 : 64, "\r\n".getBytes()).encodeToString(data));
            boolean clean = random.nextBoolean();
            if (!clean) {
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
            Decoded actual = decode(true, input, seed);
            assertThat(actual.bytes()).as("body %d", n).isEqualTo(plainReading(input));
            // read in other sizes, the same bytes and warnings
            Decoded again = decode(true, input, seed + 1);
            assertThat(again.bytes()).as("body %d", n).isEqualTo(actual.bytes());
            assertThat(again.warnings()).as("body %d", n).isEqualTo(actual.warnings());
            if (clean) {
                Decoded mime4j = decode(false, input, seed);
                assertThat(actual.bytes()).as("body %d", n).isEqualTo(mime4j.bytes()).isEqualTo(data);
                assertThat(actual.warnings()).as("body %d", n).isEmpty();
            }
        }
        assertThat(damaged).isGreaterThan(1_000);
    }

    private static Decoded decode(String body) throws IOException {
        return decode(true, body.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), new Random(1));
    }

    @Test
    void keepsTheWholeBytesOfACutQuantumAndWarns() throws IOException {
        assertThat(decode("QUJD\r\nRA\r\n").bytes()).isEqualTo("ABCD".getBytes());
        assertThat(decode("QUJD\r\nRA\r\n").warnings()).containsExactly(
            "Unexpected end of BASE64 stream / keeping the 1 whole byte(s) of a cut quantum");
        assertThat(decode("QUJDREU").bytes()).isEqualTo("ABCDE".getBytes());
        // a lone sextet holds no whole byte
        assertThat(decode("QUJDR").bytes()).isEqualTo("ABC".getBytes());
        assertThat(decode("QUJDR").warnings()).containsExactly("Unexpected end of BASE64 stream / dropping 1 sextet(s)");
    }

    @Test
    void readsOnAfterPaddingAsANewUnitAndWarnsOnce() throws IOException {
        // mailers that encode each line on its own pad each line
        Decoded lines = decode("QUJDRA==\r\nRUY=\r\nRw==\r\n");
        assertThat(lines.bytes()).isEqualTo("ABCDEFG".getBytes());
        assertThat(lines.warnings()).containsExactly("Base64 data after padding / decoded as a new unit");
        assertThat(decode("QUJDRA==").warnings()).isEmpty();
        assertThat(decode("QUJDRA=\r\n=\r\n").warnings()).isEmpty();
        assertThat(decode("QUJD=").bytes()).isEqualTo("ABC".getBytes());
        assertThat(decode("QUJD=").warnings()).containsExactly("Unexpected padding character / after a whole quantum");
    }
}
