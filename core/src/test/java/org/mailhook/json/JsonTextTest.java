package org.mailhook.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The escaper writes exactly the bytes Jackson's generator (as the documents are written) writes for the same strings. */
class JsonTextTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** ASCII, escapes, controls, DEL, Latin-1, 2- and 3-byte UTF-8, surrogate pairs and lone surrogates. */
    private static final char[] CHARS = {'a', 'Z', ' ', '/', '"', '\\', '\n', '\r', '\t', '\b', '\f', 0, 1, 0x1F, 0x7F, 0x80,
        0xE9, 0xFF, 0x100, 0x7FF, 0x800, 0x3042, 0xFFFD, 0xFFFF, 0xD83D, 0xDE00, 0xDBFF, 0xDC00};

    private static byte[] jackson(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = MAPPER.getFactory().createGenerator(out)) {
            json.writeString(text);
        }
        byte[] quoted = out.toByteArray();
        return Arrays.copyOfRange(quoted, 1, quoted.length - 1);
    }

    @Test
    void escapesExactlyAsJackson() throws IOException {
        Random random = new Random(8259);
        JsonText escaped = new JsonText();
        for (int n = 0; n < 20_000; n++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(n % 100 == 0 ? 5000 : 40);
            for (int i = 0; i < length; i++) {
                text.append(random.nextInt(3) == 0 ? CHARS[random.nextInt(CHARS.length)] : (char) random.nextInt(0x10000));
            }
            String value = text.toString();
            // appended after what is already there, as a document's text, html and slices are
            int from = escaped.length();
            int to = escaped.append(value, 0, value.length());
            assertThat(Arrays.copyOfRange(escaped.bytes(), from, to)).as("string %d", n).isEqualTo(jackson(value));
            if (n % 50 == 0) {
                escaped.clear();
            }
        }
    }

    @Test
    void writesTheSliceAsItsOwnString() throws IOException {
        JsonText escaped = new JsonText();
        String text = "Hi \"you\"\n\n> quoted\u00e9";
        int start = escaped.append(text, 0, 3);
        int end = escaped.append(text, 3, 8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = MAPPER.getFactory().createGenerator(out)) {
            escaped.write(json, start, end);
        }
        assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("\"\\\"you\\\"\"");
    }
}
