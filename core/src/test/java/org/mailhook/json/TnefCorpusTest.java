package org.mailhook.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * TNEF (winmail.dat) unpacking through the whole parser: each TNEF file is sent as an application/ms-tnef
 * attachment and the files that come out are compared with MimeKit's expected extraction (names, sizes,
 * SHA-256), MimeKit's {@code .list} files, and POI's {@code quick-contents}. The message bodies MimeKit
 * also lists (message.rtf/.html/.txt) are not attachments and are not compared. Known disagreements:
 * docs/parsing.md.
 */
class TnefCorpusTest {
    private final MessageParser parser = new MessageParser(ParseOptions.defaults());

    static JsonNode parseAsAttachment(MessageParser parser, byte[] tnef) throws IOException {
        ParsedMessage parsed = parser.parse(new ByteArrayInputStream(
            MimeCorpus.mailWithAttachment("application/ms-tnef; name=winmail.dat", tnef)), Envelope.none(),
            MessageParserTest.RECEIVED, Map.of());
        assertThat(MessageSchema.errors(parsed.json())).isEmpty();
        return MimeCorpus.json(parsed);
    }

    private static List<JsonNode> unpacked(JsonNode document) {
        List<JsonNode> files = new ArrayList<>();
        document.get("attachments").forEach(a -> {
            if (a.get("source").asText().equals("tnef")) {
                files.add(a);
            }
        });
        return files;
    }

    private static boolean isBody(String name) {
        return name.matches("(message|body)\\.(rtf|html|txt|htm)");
    }

    @Test
    void agreesWithMimeKitsExpectedExtraction() throws IOException {
        Agreement agreement = new Agreement("mimekit/tnef expected-extraction");
        Path dir = MimeCorpus.root().resolve("mimekit/tnef");
        JsonNode expected = MimeCorpus.MAPPER.readTree(Files.readString(dir.resolve("expected-extraction.json")))
            .get("expected");
        int compared = 0;
        for (var entry : (Iterable<Map.Entry<String, JsonNode>>) expected::fields) {
            Path tnef = dir.resolve(entry.getKey());
            if (!Files.exists(tnef)) {
                continue; // the corpus keeps 4 of MimeKit's 17 TNEF files
            }
            compared++;
            List<JsonNode> files = unpacked(parseAsAttachment(parser, Files.readAllBytes(tnef)));
            for (JsonNode file : entry.getValue()) {
                String name = file.get("name").asText();
                if (isBody(name)) {
                    continue;
                }
                String sha256 = file.get("sha256").asText();
                agreement.check(entry.getKey(), name + " content", true,
                    files.stream().anyMatch(f -> f.get("sha256").asText().equals(sha256)));
                // MimeKit numbers repeated names ("Untitled Attachment.2"); the name sent is without the number
                String sentName = name.replaceFirst("^(Untitled Attachment)\\.\\d+$", "$1");
                agreement.check(entry.getKey(), name + " name", true,
                    files.stream().anyMatch(f -> f.get("filename").asText().equals(sentName)));
            }
        }
        assertThat(compared).isEqualTo(4);
        assertThat(agreement.report().rate()).isGreaterThanOrEqualTo(0.958);
    }

    @Test
    void agreesWithMimeKitsListFiles() throws IOException {
        Agreement agreement = new Agreement("mimekit/tnef .list");
        Path dir = MimeCorpus.root().resolve("mimekit/tnef");
        List<Path> lists;
        try (Stream<Path> files = Files.list(dir)) {
            lists = files.filter(p -> p.toString().endsWith(".list")).sorted().toList();
        }
        for (Path list : lists) {
            Path tnef = dir.resolve(list.getFileName().toString().replace(".list", ".tnef"));
            List<String> names = unpacked(parseAsAttachment(parser, Files.readAllBytes(tnef))).stream()
                .map(f -> f.get("filename").asText()).toList();
            List<String> expected = Files.readAllLines(list).stream().map(String::strip)
                .filter(name -> !name.isEmpty() && !isBody(name)).toList();
            agreement.check(list.getFileName().toString(), "names", expected.stream().sorted().toList(),
                names.stream().sorted().toList());
        }
        assertThat(agreement.report().rate()).isEqualTo(1.0);
    }

    @Test
    void agreesWithPoisQuickContents() throws Exception {
        Agreement agreement = new Agreement("apache-poi/tnef quick-contents");
        Path dir = MimeCorpus.root().resolve("apache-poi/tnef");
        List<JsonNode> files = unpacked(parseAsAttachment(parser, Files.readAllBytes(dir.resolve("quick-winmail.dat"))));
        List<Path> contents;
        try (Stream<Path> list = Files.list(dir.resolve("quick-contents"))) {
            contents = list.filter(p -> !isBody(p.getFileName().toString())).sorted().toList();
        }
        for (Path content : contents) {
            String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(content)));
            String name = content.getFileName().toString();
            agreement.check("quick-winmail.dat", name, name, files.stream()
                .filter(f -> f.get("sha256").asText().equals(sha256)).map(f -> f.get("filename").asText())
                .findFirst().orElse(null));
        }
        assertThat(agreement.report().rate()).isEqualTo(1.0);
    }

    @Test
    void damagedTnefGivesAnErrorNotACrash() throws IOException {
        Path dir = MimeCorpus.root().resolve("apache-poi/tnef");
        JsonNode oom = parseAsAttachment(parser, Files.readAllBytes(dir.resolve("oom.tnef")));

        assertThat(oom.get("parse").get("errors").toString()).contains("tnef.unreadable");
        assertThat(oom.get("attachments").get(0).get("size").asInt()).isEqualTo(53);
        for (String name : List.of("bug52400-winmail-simple.dat", "bug52400-winmail-with-attachments.dat",
            "bug63955-winmail.dat", "winmail-sample1.dat")) {
            JsonNode document = parseAsAttachment(parser, Files.readAllBytes(dir.resolve(name)));
            System.out.printf("[tnef] %s: %d files, errors %s%n", name, unpacked(document).size(),
                document.get("parse").get("errors"));
        }
    }
}
