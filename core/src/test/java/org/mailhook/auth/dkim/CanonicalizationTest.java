package org.mailhook.auth.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class CanonicalizationTest {
    private static String body(String body, boolean relaxed) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            long length = Canonicalization.body(ByteBuffer.wrap(body.getBytes(StandardCharsets.ISO_8859_1)), relaxed, out);
            assertThat(length).isEqualTo(out.size());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void rfc6376Section345Example() {
        String body = " C \r\nD \t E\r\n\r\n\r\n";

        assertThat(body(body, true)).isEqualTo(" C\r\nD E\r\n");
        assertThat(body(body, false)).isEqualTo(" C \r\nD \t E\r\n");
    }

    @Test
    void emptyBodiesAndAMissingFinalLineEnd() {
        assertThat(body("", true)).isEmpty();
        assertThat(body("", false)).isEqualTo("\r\n");
        assertThat(body("\r\n\r\n", true)).isEmpty();
        assertThat(body("\r\n\r\n", false)).isEqualTo("\r\n");
        assertThat(body("a \t\r\nb \t", true)).isEqualTo("a\r\nb\r\n");
        assertThat(body("a \t\r\nb \t", false)).isEqualTo("a \t\r\nb \t\r\n");
    }

    @Test
    void bodiesLongerThanTheBufferAndManyTrailingEmptyLines() {
        String line = "word \t word  \r\n";
        String body = line.repeat(5_000) + "\r\n".repeat(9_000);

        assertThat(body(body, true)).isEqualTo("word word\r\n".repeat(5_000));
        assertThat(body(body, false)).isEqualTo(line.repeat(5_000));
        assertThat(body("\r\n".repeat(9_000) + "x", true)).isEqualTo("\r\n".repeat(9_000) + "x\r\n");
    }

    @Test
    void onlyCrlfEndsALineAndOnlySpaceAndTabAreWhitespace() {
        // A lone CR or LF is line content; 0x85 (NEL as ISO-8859-1) and 0xA0 are not whitespace for DKIM.
        assertThat(body("a \rb  c\u0085 \r\n", true)).isEqualTo("a \rb c\u0085\r\n");
        assertThat(body("x\u00a0 \r\n", true)).isEqualTo("x\u00a0\r\n");
    }
}
