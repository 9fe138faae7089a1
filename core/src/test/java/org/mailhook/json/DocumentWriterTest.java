package org.mailhook.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** text and strippedText, written from one escaping of the slice they share, are the bytes Jackson writes for them. */
class DocumentWriterTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void textAndStrippedTextAreWrittenAsJacksonWritesThem() throws Exception {
        String text = "  Thanks \uD83D\uDE00 \u0001\u001F\t\"quoted\" \\ caf\u00e9 \u2028 lone \uD83D end\n\n-- \nBob\n";
        String mail = "From: a@example.com\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + text;
        ParsedMessage parsed = new MessageParser(ParseOptions.defaults()).parse(
            new ByteArrayInputStream(mail.getBytes(StandardCharsets.UTF_8)), Envelope.none(), MessageParserTest.RECEIVED, Map.of());
        String json = parsed.jsonText();
        JsonNode document = MAPPER.readTree(parsed.json());

        // the lone surrogate does not survive UTF-8 encoding: the mail carries '?'
        String sent = new String(mail.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        String expectedText = sent.substring(sent.indexOf("\r\n\r\n") + 4);
        assertThat(document.get("text").asText()).isEqualTo(expectedText);
        assertThat(document.get("strippedText").asText()).isEqualTo(expectedText.substring(0, expectedText.indexOf("\n\n-- ")).strip());
        // the UTF-8 generator's own bytes (it escapes surrogates as backslash-u pairs; a Writer-based one would not)
        assertThat(json).contains("\"text\":" + utf8Json(expectedText));
        assertThat(json).contains("\"strippedText\":" + utf8Json(document.get("strippedText").asText()));
        assertThat(MessageSchema.errors(parsed.json())).isEmpty();
    }

    private static String utf8Json(String value) throws Exception {
        return new String(MAPPER.writeValueAsBytes(value), StandardCharsets.UTF_8);
    }
}
