package org.mailhook.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.Random;

import org.junit.jupiter.api.Test;

class SizedReadTest {

    @Test
    void aStreamOfAnnouncedSizeIsReadWholeWhetherTheSizeIsRightShortOrLong() throws Exception {
        byte[] bytes = new byte[100_000];
        new Random(3).nextBytes(bytes);
        for (long announced : new long[] {100_000, 99_999, 100_001, 1, 0, -1}) {
            assertThat(SizedRead.readAll(new ByteArrayInputStream(bytes), announced)).as("announced " + announced).isEqualTo(bytes);
        }
    }
}
