package org.mailhook.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class RawMessageTest {

    @Test
    void keepsFoldedFieldsAsReceivedAndTurnsBareLfIntoCrlf() {
        RawMessage message = RawMessage.parse("Subject: one\n  two\nFrom: a@example.com\n\nbody\nline\n"
            .getBytes(StandardCharsets.ISO_8859_1));
        assertThat(message.headers()).extracting(RawMessage.HeaderField::raw)
            .containsExactly("Subject: one\r\n  two\r\n", "From: a@example.com\r\n");
        assertThat(message.headers("subject").get(0).value()).isEqualTo(" one\r\n  two");
        assertThat(StandardCharsets.ISO_8859_1.decode(message.bodyBytes()).toString()).isEqualTo("body\r\nline\r\n");
    }

    @Test
    void headerOnlyMessageHasAnEmptyBodyAndEightBitBytesSurvive() {
        byte[] bytes = {'X', ':', ' ', (byte) 0xc3, (byte) 0xa9, '\r', '\n'};
        RawMessage message = RawMessage.parse(bytes);
        assertThat(message.bodyBytes().remaining()).isZero();
        assertThat(message.headers().get(0).raw().getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(bytes);
    }

    @Test
    void linesWithoutAColonAreNotFields() {
        RawMessage message = RawMessage.parse("garbage\r\nFrom: a@example.com\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(message.headers()).extracting(RawMessage.HeaderField::name).containsExactly("From");
    }
}
