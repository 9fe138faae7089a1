package org.mailhook.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Compares with stalwart mail-parser's own parses ({@code NNN.json} beside {@code NNN.eml}): subject,
 * From/To/Cc, text and HTML bodies, attachment names and sizes. Known disagreements: docs/parsing.md.
 */
class StalwartCorpusTest {
    private final MessageParser parser = new MessageParser(ParseOptions.defaults());

    @ParameterizedTest(name = "{0}")
    @CsvSource({"rfc, 1.0", "malformed, 0.882", "thirdparty, 0.993"})
    void agreesWithStalwartsParses(String set, double floor) throws IOException {
        Agreement agreement = new Agreement("stalwart-mail-parser/eml/" + set);
        for (Path eml : MimeCorpus.mails("stalwart-mail-parser/eml/" + set)) {
            Path expectedFile = eml.resolveSibling(eml.getFileName().toString().replace(".eml", ".json"));
            JsonNode expected = MimeCorpus.MAPPER.readTree(Files.readString(expectedFile));
            JsonNode actual = MimeCorpus.json(MimeCorpus.parse(parser, eml));
            compare(agreement, eml.getFileName().toString(), expected, actual);
        }
        assertThat(agreement.report().rate()).isGreaterThanOrEqualTo(floor);
    }

    private static void compare(Agreement agreement, String where, JsonNode expected, JsonNode actual) {
        JsonNode parts = expected.get("parts");
        JsonNode root = parts.get(0);
        agreement.check(where, "subject", headerText(root, "subject"), text(actual.get("subject")));
        for (String field : List.of("from", "to", "cc")) {
            agreement.check(where, field, expectedAddresses(root, field), actualAddresses(actual.get(field)));
        }
        String text = normalize(text(actual.get("text")));
        String html = normalize(text(actual.get("html")));
        Set<Integer> bodies = new HashSet<>();
        for (JsonNode index : expected.get("text_body")) {
            bodies.add(index.asInt());
            JsonNode body = parts.get(index.asInt()).get("body");
            if (body.has("Text")) {
                String part = normalize(body.get("Text").asText());
                agreement.check(where, "text part " + index, true, text != null && text.contains(part));
            }
        }
        for (JsonNode index : expected.get("html_body")) {
            bodies.add(index.asInt());
            JsonNode body = parts.get(index.asInt()).get("body");
            if (body.has("Html")) {
                String part = normalize(body.get("Html").asText());
                agreement.check(where, "html part " + index, true, html != null && html.contains(part));
            }
        }
        List<String> expectedNames = new ArrayList<>();
        List<String> expectedSizes = new ArrayList<>();
        for (JsonNode index : expected.get("attachments")) {
            JsonNode part = parts.get(index.asInt());
            // JMAP-style body lists also hold inline images; only text shown as body is not an attachment here
            if (bodies.contains(index.asInt()) && (part.get("body").has("Text") || part.get("body").has("Html"))) {
                continue;
            }
            String name = parameter(part, "content_disposition", "filename");
            name = name != null ? name : parameter(part, "content_type", "name");
            expectedNames.add(String.valueOf(name));
            JsonNode body = part.get("body");
            JsonNode binary = body.has("Binary") ? body.get("Binary") : body.get("InlineBinary");
            if (binary != null) {
                expectedSizes.add(name + "=" + binary.size());
            }
        }
        List<String> actualNames = new ArrayList<>();
        List<String> actualSizes = new ArrayList<>();
        for (JsonNode attachment : actual.get("attachments")) {
            actualNames.add(String.valueOf(text(attachment.get("filename"))));
            actualSizes.add(text(attachment.get("filename")) + "=" + attachment.get("size").asLong());
        }
        agreement.check(where, "attachment names", sorted(expectedNames), sorted(actualNames));
        if (!expectedSizes.isEmpty()) {
            agreement.check(where, "attachment sizes", true, actualSizes.containsAll(expectedSizes));
        }
    }

    private static List<String> sorted(List<String> values) {
        return values.stream().sorted().toList();
    }

    private static JsonNode header(JsonNode part, String name) {
        for (JsonNode header : part.get("headers")) {
            if (header.get("name").asText().equals(name)) {
                return header.get("value");
            }
        }
        return null;
    }

    private static String headerText(JsonNode part, String name) {
        JsonNode value = header(part, name);
        return value == null || !value.has("Text") ? null : value.get("Text").asText();
    }

    private static String parameter(JsonNode part, String header, String name) {
        JsonNode value = header(part, header);
        if (value == null || !value.has("ContentType") || !value.get("ContentType").get("attributes").isArray()) {
            return null;
        }
        for (JsonNode attribute : value.get("ContentType").get("attributes")) {
            if (attribute.get("name").asText().equalsIgnoreCase(name)) {
                return attribute.get("value").asText();
            }
        }
        return null;
    }

    private static List<String> expectedAddresses(JsonNode root, String field) {
        JsonNode value = header(root, field);
        List<String> addresses = new ArrayList<>();
        if (value == null || !value.has("Address")) {
            return addresses;
        }
        JsonNode address = value.get("Address");
        if (address.has("List")) {
            address.get("List").forEach(mailbox -> addresses.add(mailbox(mailbox)));
        } else if (address.has("Group")) {
            address.get("Group").forEach(group -> group.get("addresses").forEach(mailbox -> addresses.add(mailbox(mailbox))));
        }
        return addresses;
    }

    private static List<String> actualAddresses(JsonNode list) {
        List<String> addresses = new ArrayList<>();
        list.forEach(mailbox -> addresses.add(mailbox(mailbox)));
        return addresses;
    }

    private static String mailbox(JsonNode mailbox) {
        return text(mailbox.get("name")) + " <" + text(mailbox.get("address")) + ">";
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    private static String normalize(String text) {
        return text == null ? null : text.replaceAll("\\s+", " ").strip();
    }
}
