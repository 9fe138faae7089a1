package org.mailhook.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Byte-level mutations in the manner of AFL's havoc stage, with a dictionary of the tokens MIME and
 * the authentication records are made of, so damage lands where parsers make decisions.
 */
final class Mutator {
    private static final List<byte[]> TOKENS = List.of(
        "\r\n", "\n", "\r\n\r\n", ":", ";", "=", "==", "\"", "\\", "<", ">", "(", ")", ",", "@", " ", "\t", "\0",
        "=?", "?=", "=?utf-8?B?", "=?utf-8?Q?", "=?x-unknown?B?", "--", "boundary=", "boundary=\"\"",
        "Content-Type: multipart/mixed; boundary=x\r\n", "Content-Type: message/rfc822\r\n",
        "Content-Transfer-Encoding: base64\r\n", "Content-Transfer-Encoding: quoted-printable\r\n",
        "charset=", "name*0*=", "filename*=utf-8''", "v=DKIM1", "v=spf1", "v=DMARC1", "p=", "k=ed25519",
        "b=", "bh=", "h=", "d=", "s=", "l=", "x=", "t=", "i=", "include:", "redirect=", "exp=", "%{", "}",
        "ptr", "a:", "mx/", "ip4:", "ip6:", "-all", "~all", "?all", "cv=pass", "cv=fail", "ARC-Seal:",
        "ARC-Message-Signature:", "ARC-Authentication-Results:", "DKIM-Signature:", "dkim=pass", "v1,", "v1a,",
        "\u00e9", "\u00ff\u00fe", "\ud83d\ude00").stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();

    private final Random random;

    Mutator(Random random) {
        this.random = random;
    }

    /** One to eight stacked mutations of {@code input}; {@code other} is spliced in now and then. */
    byte[] mutate(byte[] input, byte[] other) {
        byte[] data = input;
        int rounds = 1 + random.nextInt(8);
        for (int i = 0; i < rounds; i++) {
            data = once(data, other);
        }
        return data;
    }

    String mutate(String input) {
        return new String(mutate(input.getBytes(StandardCharsets.ISO_8859_1), new byte[0]), StandardCharsets.ISO_8859_1);
    }

    private byte[] once(byte[] data, byte[] other) {
        if (data.length == 0) {
            return TOKENS.get(random.nextInt(TOKENS.size())).clone();
        }
        int at = random.nextInt(data.length);
        switch (random.nextInt(8)) {
            case 0 -> {
                byte[] flipped = data.clone();
                flipped[at] ^= (byte) (1 << random.nextInt(8));
                return flipped;
            }
            case 1 -> {
                byte[] set = data.clone();
                set[at] = (byte) random.nextInt(256);
                return set;
            }
            case 2 -> {
                return splice(data, at, at + random.nextInt(Math.min(64, data.length - at) + 1), new byte[0]);
            }
            case 3 -> {
                return splice(data, at, at, TOKENS.get(random.nextInt(TOKENS.size())));
            }
            case 4 -> {
                int length = random.nextInt(Math.min(256, data.length - at) + 1);
                return splice(data, at, at, Arrays.copyOfRange(data, at, at + length));
            }
            case 5 -> {
                return Arrays.copyOf(data, at); // cut short
            }
            case 6 -> {
                if (other.length == 0) {
                    return data;
                }
                int from = random.nextInt(other.length);
                int length = random.nextInt(Math.min(512, other.length - from) + 1);
                return splice(data, at, at, Arrays.copyOfRange(other, from, from + length));
            }
            default -> {
                int length = random.nextInt(Math.min(128, data.length - at) + 1);
                byte[] repeated = Arrays.copyOfRange(data, at, at + length);
                byte[] out = data;
                for (int i = random.nextInt(16); i > 0; i--) {
                    out = splice(out, at, at, repeated);
                }
                return out;
            }
        }
    }

    private static byte[] splice(byte[] data, int from, int to, byte[] insert) {
        byte[] out = new byte[data.length - (to - from) + insert.length];
        System.arraycopy(data, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(data, to, out, from + insert.length, data.length - to);
        return out;
    }
}
