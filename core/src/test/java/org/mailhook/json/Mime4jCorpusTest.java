package org.mailhook.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Compares with mime4j's expected decoded parts ({@code X_decoded_N_M.txt|.bin} beside {@code X.msg}): every
 * binary part must be an attachment with the same SHA-256 (at any depth), every non-empty text part must be
 * an attachment with that hash or appear in the document's text or HTML (decoded with a charset the mail
 * declares, blanks collapsed). Known disagreements: docs/parsing.md.
 */
class Mime4jCorpusTest {
    private final MessageParser parser = new MessageParser(ParseOptions.defaults());

    @ParameterizedTest(name = "{0}")
    @CsvSource({"testmsgs, 0.937", "mimetools-testmsgs, 0.955"})
    void findsEveryDecodedPart(String set, double floor) throws Exception {
        Agreement agreement = new Agreement("mime4j/" + set);
        Path dir = MimeCorpus.root().resolve("mime4j").resolve(set);
        List<Path> decodedTrees;
        try (Stream<Path> files = Files.list(dir)) {
            decodedTrees = files.filter(p -> p.getFileName().toString().endsWith("_decoded.xml")).sorted().toList();
        }
        for (Path tree : decodedTrees) {
            String base = tree.getFileName().toString().replace("_decoded.xml", "");
            Path mail = dir.resolve(base + ".msg");
            JsonNode document = MimeCorpus.json(MimeCorpus.parse(parser, mail));
            List<String> hashes = new ArrayList<>();
            StringBuilder texts = new StringBuilder();
            List<String> charsets = new ArrayList<>();
            charsets.add(null);
            collect(document, hashes, texts, charsets);
            String allText = normalize(texts.toString());
            List<Path> parts;
            try (Stream<Path> files = Files.list(dir)) {
                parts = files.filter(p -> p.getFileName().toString().startsWith(base + "_decoded_")).sorted().toList();
            }
            for (Path part : parts) {
                byte[] bytes = Files.readAllBytes(part);
                String name = part.getFileName().toString();
                boolean found = hashes.contains(sha256(bytes));
                if (name.endsWith(".txt")) {
                    if (normalize(Charsets.decodeUnlabelled(bytes, bytes.length)).isEmpty()) {
                        continue;
                    }
                    for (String charset : charsets) {
                        found |= allText.contains(normalize(Charsets.decode(bytes, bytes.length, charset)));
                    }
                }
                agreement.check(base, name, true, found);
            }
        }
        assertThat(agreement.report().rate()).isGreaterThanOrEqualTo(floor);
    }

    /** Attachment hashes and all text/HTML of the message and of every attached message. */
    private static void collect(JsonNode message, List<String> hashes, StringBuilder texts, List<String> charsets) {
        message.get("bodyParts").forEach(part -> charsets.add(part.get("charset").isNull() ? null : part.get("charset").asText()));
        for (String field : List.of("text", "html")) {
            if (message.hasNonNull(field)) {
                texts.append(message.get(field).asText()).append('\n');
            }
        }
        for (JsonNode attachment : message.get("attachments")) {
            hashes.add(attachment.get("sha256").asText());
            if (attachment.has("message")) {
                collect(attachment.get("message"), hashes, texts, charsets);
            }
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static String normalize(String text) {
        return text.replaceAll("\\s+", " ").strip();
    }
}
