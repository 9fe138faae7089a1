package org.mailhook.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.james.mime4j.stream.RawField;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * stalwart mail-parser's header vectors ({@code headers/*.json}: raw header value → expected parse) run
 * through the header decoding the document uses. Known disagreements: docs/parsing.md.
 */
class StalwartHeaderVectorsTest {
    private static final java.util.regex.Pattern FIELD_END = java.util.regex.Pattern.compile("\\r?\\n(?![ \\t])");

    @ParameterizedTest(name = "{0}")
    @CsvSource({"address, 0.616", "content_type, 0.834", "date, 0.95", "id, 1.0", "unstructured, 0.866"})
    void agreesWithStalwartsHeaderParses(String kind, double floor) throws IOException {
        Agreement agreement = new Agreement("stalwart-mail-parser/headers/" + kind);
        JsonNode vectors = MimeCorpus.MAPPER.readTree(Files.readString(
            MimeCorpus.root().resolve("stalwart-mail-parser/headers/" + kind + ".json")));
        int index = 0;
        for (JsonNode vector : vectors) {
            // a vector may run on into the next header line or the body: the field ends where mime4j ends it
            String header = FIELD_END.split(vector.get("header").asText(), 2)[0];
            String unfolded = HeaderValues.unfold(header);
            JsonNode expected = vector.get("expected");
            String where = "#" + index++;
            String shown = header.strip().replace("\r", "\\r").replace("\n", "\\n");
            switch (kind) {
                case "address" -> agreement.check(where, shown, expectedAddresses(expected), actualAddresses(unfolded));
                case "content_type" -> {
                    MimeParameters parameters = MimeParameters.parse(unfolded);
                    agreement.check(where, shown, expectedContentType(expected), actualContentType(parameters));
                }
                case "date" -> agreement.check(where, shown, expectedDate(expected),
                    HeaderValues.date(new RawField("Date", unfolded)));
                case "id" -> agreement.check(where, shown, texts(expected), HeaderValues.messageIds(unfolded));
                default -> agreement.check(where, shown, expected.asText(), EncodedWords.decode(unfolded));
            }
        }
        assertThat(agreement.report().rate()).isGreaterThanOrEqualTo(floor);
    }

    private static List<String> expectedAddresses(JsonNode expected) {
        List<String> addresses = new ArrayList<>();
        if (expected.has("List")) {
            expected.get("List").forEach(m -> addresses.add(mailbox(m, null)));
        } else if (expected.has("Group")) {
            for (JsonNode group : expected.get("Group")) {
                String name = text(group.get("name"));
                group.get("addresses").forEach(m -> addresses.add(mailbox(m, name)));
            }
        }
        return addresses;
    }

    private static List<String> actualAddresses(String unfolded) {
        List<String> addresses = new ArrayList<>();
        for (EmailAddress address : Addresses.parse(unfolded)) {
            addresses.add((address.group() == null ? "" : address.group() + ": ") + address.name() + " <" + address.address() + ">");
        }
        return addresses;
    }

    private static String mailbox(JsonNode mailbox, String group) {
        return (group == null ? "" : group + ": ") + text(mailbox.get("name")) + " <" + text(mailbox.get("address")) + ">";
    }

    private static String expectedContentType(JsonNode expected) {
        if (expected == null || expected.isNull()) {
            return null; // no type: mime4j's default text/plain applies instead
        }
        String type = expected.get("c_type").asText().toLowerCase(Locale.ROOT)
            + (expected.hasNonNull("c_subtype") ? "/" + expected.get("c_subtype").asText().toLowerCase(Locale.ROOT) : "");
        Map<String, String> attributes = new TreeMap<>();
        if (expected.path("attributes").isArray()) {
            // stalwart writes attributes as {name, value} or as [name, value]; RFC 2231 languages
            // ("title-language") have no place in the document and are not compared
            expected.get("attributes").forEach(a -> attributes.put(
                (a.isArray() ? a.get(0) : a.get("name")).asText().toLowerCase(Locale.ROOT),
                text(a.isArray() ? a.get(1) : a.get("value"))));
        }
        attributes.keySet().removeIf(name -> name.endsWith("-language"));
        return type + " " + attributes;
    }

    private static String actualContentType(MimeParameters parameters) {
        if (parameters.value() == null || !parameters.value().matches("[^/\\s]+(/[^/\\s]+)?")) {
            return null;
        }
        return parameters.value() + " " + new TreeMap<>(parameters.parameters());
    }

    private static Instant expectedDate(JsonNode expected) {
        if (!expected.has("year")) {
            return null;
        }
        int sign = expected.get("tz_before_gmt").asBoolean() ? -1 : 1;
        ZoneOffset offset = ZoneOffset.ofHoursMinutes(sign * expected.get("tz_hour").asInt(),
            sign * expected.get("tz_minute").asInt());
        return LocalDateTime.of(expected.get("year").asInt(), expected.get("month").asInt(), expected.get("day").asInt(),
            expected.get("hour").asInt(), expected.get("minute").asInt(), expected.get("second").asInt())
            .toInstant(offset);
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }
}
