package org.mailhook.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Every document names its parser version, and each verdict section the time it was taken. */
class VerdictTimeTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Instant AT = Instant.parse("2026-12-07T10:15:30.123456Z");

    @Test
    void stampSetsCheckedAtInMillisAndKeepsTheRest() throws Exception {
        JsonNode stamped = MAPPER.readTree(VerdictTime.stamp("{\"verdict\":\"clean\",\"scanned\":2}", AT));

        assertThat(stamped.get("checkedAt").asText()).isEqualTo("2026-12-07T10:15:30.123Z");
        assertThat(stamped.get("verdict").asText()).isEqualTo("clean");
        assertThat(stamped.get("scanned").asInt()).isEqualTo(2);
        assertThat(VerdictTime.stamp("null", AT)).isEqualTo("null");
    }

    @Test
    void stampingAgainReplacesTheTimeAndAnEmptyVerdictGetsOnlyIt() throws Exception {
        String once = VerdictTime.stamp("{\"verdict\":\"clean\",\"note\":\"checkedAt is a word here\"}", AT);
        JsonNode twice = MAPPER.readTree(VerdictTime.stamp(once, AT.plusSeconds(60)));

        assertThat(MAPPER.readTree(once).get("note").asText()).isEqualTo("checkedAt is a word here");
        assertThat(twice.get("checkedAt").asText()).isEqualTo("2026-12-07T10:16:30.123Z");
        assertThat(twice.size()).isEqualTo(3);
        assertThat(VerdictTime.stamp("{}", AT)).isEqualTo("{\"checkedAt\":\"2026-12-07T10:15:30.123Z\"}");
    }

    @Test
    void documentNamesItsParserAndCarriesVerdictTimesAndStaysValid() throws Exception {
        Map<String, String> sections = new LinkedHashMap<>();
        sections.put("auth", VerdictTime.stamp("{\"spf\":{\"result\":\"pass\",\"domain\":\"example.com\"}}", AT));
        sections.put("security", VerdictTime.stamp("{\"verdict\":\"clean\",\"scanned\":0,\"quarantined\":[],\"warnings\":[]}", AT));
        sections.put("spam", "null");
        String mail = "From: a@example.com\r\nSubject: hi\r\n\r\nhello\r\n";
        ParsedMessage parsed = new MessageParser(ParseOptions.defaults()).parse(
            new ByteArrayInputStream(mail.getBytes(StandardCharsets.UTF_8)), Envelope.none(), MessageParserTest.RECEIVED, sections);
        JsonNode document = MAPPER.readTree(parsed.json());

        assertThat(document.at("/parser/version").asText()).isEqualTo(MessageParser.VERSION);
        assertThat(document.at("/auth/checkedAt").asText()).isEqualTo("2026-12-07T10:15:30.123Z");
        assertThat(document.at("/security/checkedAt").asText()).isEqualTo("2026-12-07T10:15:30.123Z");
        assertThat(MessageSchema.errors(parsed.json())).isEmpty();
    }

    @Test
    void aMalformedCheckedAtIsASchemaViolation() throws Exception {
        ParsedMessage parsed = new MessageParser(ParseOptions.defaults()).parse(
            new ByteArrayInputStream("From: a@example.com\r\n\r\nx\r\n".getBytes(StandardCharsets.UTF_8)), Envelope.none(),
            MessageParserTest.RECEIVED, Map.of("auth", "{\"checkedAt\":\"yesterday\"}"));

        assertThat(MessageSchema.errors(parsed.json())).isNotEmpty();
    }
}
