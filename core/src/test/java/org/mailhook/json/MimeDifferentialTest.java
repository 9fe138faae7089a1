package org.mailhook.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.Test;
import org.mailhook.testing.Corpus;
import org.mailhook.testing.NodePackages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Mailhook's document against two independent parsers, Node's mailparser and postal-mime, on every
 * mail of the corpus. A field counts only where the two peers agree with each other (after the same
 * normalisation: whitespace collapsed, addresses lower-cased, message ids without brackets, dates to
 * the second, attachments by SHA-256; an attachment's name, content id and inline flag only where all
 * three agree on the set of attachments). The table is printed, and every difference is written to
 * target/mime-differential.txt; docs/parsing.md keeps the table and the classes of difference.
 *
 * <p>The target is 99.5 % on every field with every remaining difference explained; until then
 * {@link #FLOORS} holds each field at least where it was last measured, so fixes raise them and nothing
 * slips back.
 */
class MimeDifferentialTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Instant RECEIVED = Instant.parse("2026-12-07T00:00:00Z");

    /** Agreement last measured per field (docs/parsing.md), as a fraction; raise with each fix. */
    static final Map<String, Double> FLOORS = Map.ofEntries(
        Map.entry("subject", 0.997), Map.entry("from", 0.989), Map.entry("to", 0.986), Map.entry("cc", 1.0),
        Map.entry("messageId", 1.0), Map.entry("date", 1.0), Map.entry("text", 0.905), Map.entry("html", 0.997),
        Map.entry("attachments", 0.931), Map.entry("attachment filename", 0.996), Map.entry("attachment contentId", 0.99),
        Map.entry("attachment inline", 0.996));

    private static final Map<String, Function<JsonNode, String>> PEER_FIELDS = fields(
        node -> node.path("subject").asText(""),
        node -> node.path("messageId").asText(""),
        node -> node.path("date").isNull() ? "" : node.path("date").asText(""),
        node -> node.path("text").asText(""),
        node -> node.path("html").asText(""),
        "contentId", "inline");
    private static final Map<String, Function<JsonNode, String>> MAILHOOK_FIELDS = fields(
        node -> node.path("subject").asText(""),
        node -> node.path("messageId").asText(""),
        node -> node.path("date").asText(""),
        // the peers' text is that of text/plain parts; Mailhook also writes text for HTML-only mail
        node -> stream(node.path("bodyParts")).anyMatch(part -> part.path("contentType").asText().equals("text/plain"))
            ? node.path("text").asText("") : "",
        node -> node.path("html").asText(""),
        "contentId", "disposition");

    @Test
    void agreesWithMailparserAndPostalMimeWhereTheyAgree() throws Exception {
        List<Path> mails = Corpus.mimeMails();
        Map<Path, JsonNode> peers = peerParses(mails);
        MessageParser parser = new MessageParser(ParseOptions.defaults());

        Map<String, int[]> counts = new LinkedHashMap<>();
        PEER_FIELDS.keySet().forEach(field -> counts.put(field, new int[2]));
        List<String> differences = new ArrayList<>();
        for (Path mail : mails) {
            JsonNode peer = peers.get(mail);
            JsonNode mailparser = peer.get("mailparser");
            JsonNode postalMime = peer.get("postalMime");
            if (mailparser.has("error") || postalMime.has("error")) {
                continue;
            }
            JsonNode ours = MAPPER.readTree(parser.parse(new ByteArrayInputStream(Files.readAllBytes(mail)),
                Envelope.none(), RECEIVED, Map.of()).json());
            String name = Corpus.root().resolve("mime").relativize(mail).toString().replace('\\', '/');
            String attachmentSet = PEER_FIELDS.get("attachments").apply(mailparser);
            boolean sameAttachments = attachmentSet.equals(PEER_FIELDS.get("attachments").apply(postalMime))
                && attachmentSet.equals(MAILHOOK_FIELDS.get("attachments").apply(ours));
            for (String field : PEER_FIELDS.keySet()) {
                if (field.startsWith("attachment ") && !sameAttachments) {
                    continue;
                }
                String a = PEER_FIELDS.get(field).apply(mailparser);
                String b = PEER_FIELDS.get(field).apply(postalMime);
                if (!a.equals(b)) {
                    continue;
                }
                int[] count = counts.get(field);
                count[0]++;
                String mine = MAILHOOK_FIELDS.get(field).apply(ours);
                if (mine.equals(a)) {
                    count[1]++;
                } else {
                    differences.add(name + " → " + field + "\n    peers:    " + a + "\n    mailhook: " + mine);
                }
            }
        }

        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-22s %8s %8s %8s%n", "field", "peers=", "ours=", "agree"));
        counts.forEach((field, count) -> table.append(String.format(Locale.ROOT, "%-22s %8d %8d %7.2f%%%n",
            field, count[0], count[1], count[0] == 0 ? 100.0 : 100.0 * count[1] / count[0])));
        System.out.println("Mailhook vs mailparser + postal-mime, " + mails.size() + " corpus mails:\n" + table);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "mime-differential.txt"), table + "\n" + String.join("\n", differences) + "\n");

        counts.forEach((field, count) -> assertThat(count[0] == 0 ? 1.0 : (double) count[1] / count[0])
            .as("agreement on %s where both peers agree (details: target/mime-differential.txt)", field)
            .isGreaterThanOrEqualTo(FLOORS.get(field)));
    }

    private static Map<String, Function<JsonNode, String>> fields(Function<JsonNode, String> subject,
            Function<JsonNode, String> messageId, Function<JsonNode, String> date, Function<JsonNode, String> text,
            Function<JsonNode, String> html, String contentId, String inline) {
        Map<String, Function<JsonNode, String>> fields = new LinkedHashMap<>();
        fields.put("subject", node -> spaces(subject.apply(node)));
        for (String list : List.of("from", "to", "cc")) {
            fields.put(list, node -> stream(node.path(list))
                .map(a -> a.path("address").asText("").toLowerCase(Locale.ROOT) + " " + spaces(a.path("name").asText("")))
                .collect(Collectors.joining(", ")));
        }
        fields.put("messageId", node -> messageId.apply(node).strip().replaceAll("^<|>$", ""));
        fields.put("date", date);
        fields.put("text", node -> spaces(text.apply(node)));
        fields.put("html", node -> spaces(html.apply(node)));
        fields.put("attachments", node -> attachments(node, a -> ""));
        fields.put("attachment filename", node -> attachments(node, a -> a.path("filename").asText("")));
        fields.put("attachment contentId", node -> attachments(node, a -> a.path(contentId).asText("").strip().replaceAll("^<|>$", "")));
        fields.put("attachment inline", node -> attachments(node, a -> inline.equals("inline")
            ? a.path("inline").asText() : String.valueOf("inline".equals(a.path(inline).asText("")))));
        return fields;
    }

    private static String attachments(JsonNode node, Function<JsonNode, String> value) {
        return stream(node.path("attachments")).map(a -> a.path("sha256").asText() + " " + value.apply(a))
            .sorted().collect(Collectors.joining(", "));
    }

    private static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false);
    }

    private static String spaces(String text) {
        return text.replaceAll("\\s+", " ").strip();
    }

    private static Map<Path, JsonNode> peerParses(List<Path> mails) throws IOException, InterruptedException {
        Path script = Path.of("src/test/resources/org/mailhook/json/peer-parse.js").toAbsolutePath();
        Process node = NodePackages.node(script).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Thread feeder = new Thread(() -> {
            try (var in = node.getOutputStream()) {
                in.write(mails.stream().map(Path::toString).collect(Collectors.joining("\n", "", "\n")).getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        feeder.start();
        Map<Path, JsonNode> parses = new TreeMap<>();
        for (String line : new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                JsonNode parsed = MAPPER.readTree(line);
                parses.put(Path.of(parsed.get("file").asText()), parsed);
            }
        }
        assertThat(node.waitFor(120, TimeUnit.SECONDS)).isTrue();
        feeder.join();
        assertThat(node.exitValue()).as("peer-parse.js exit status").isZero();
        assertThat(parses).hasSize(mails.size());
        return parses;
    }
}
