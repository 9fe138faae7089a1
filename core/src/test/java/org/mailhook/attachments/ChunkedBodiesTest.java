package org.mailhook.attachments;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.Random;

import org.apache.james.mime4j.dom.BinaryBody;
import org.apache.james.mime4j.dom.TextBody;
import org.junit.jupiter.api.Test;

class ChunkedBodiesTest {

    @Test
    void aBodyIsReadBackAsTheSameBytesAtEveryChunkBoundary() throws Exception {
        Random random = new Random(11);
        for (int size : new int[] {0, 1, 4095, 4096, 4097, 12_288, 12_289, 1 << 20, 3_000_001}) {
            byte[] bytes = new byte[size];
            random.nextBytes(bytes);

            BinaryBody binary = ChunkedBodies.INSTANCE.binaryBody(new ByteArrayInputStream(bytes));
            TextBody text = ChunkedBodies.INSTANCE.textBody(new ByteArrayInputStream(bytes), "no-such-charset");

            assertThat(binary.size()).as("size " + size).isEqualTo(size);
            assertThat(readAll(binary.getInputStream())).as("size " + size).isEqualTo(bytes);
            assertThat(readAll(text.getInputStream())).as("read twice, size " + size).isEqualTo(readAll(text.getInputStream())).isEqualTo(bytes);
            ByteArrayOutputStream written = new ByteArrayOutputStream();
            binary.writeTo(written);
            assertThat(written.toByteArray()).isEqualTo(bytes);
        }
        assertThat(ChunkedBodies.INSTANCE.textBody(new ByteArrayInputStream(new byte[0]), "no-such-charset").getCharset().name())
            .as("an unknown label reads as US-ASCII").isEqualTo("US-ASCII");
    }

    private static byte[] readAll(InputStream in) throws Exception {
        try (in) {
            return in.readAllBytes();
        }
    }
}
