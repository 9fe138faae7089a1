package org.mailhook.json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.mailhook.testing.Corpus;

/** The mail files of the external corpus (mime/), without the expected results shipped beside them. */
final class MimeCorpus {
    private static final Pattern EXPECTED = Pattern.compile(
        ".*\\.(json|xml|out|list)$|.*_decoded_.*|.*/(COPYING|README\\.txt|ARTISTIC-LICENSE\\.txt)$|.*/quick-contents/.*"
            + "|.*/mimekit/messages/body\\.\\d+\\.txt$");
    static final ObjectMapper MAPPER = new ObjectMapper();

    private MimeCorpus() {
    }

    static Path root() {
        return Corpus.path("mime");
    }

    /** Every mail file under {@code mime/relative}, sorted. */
    static List<Path> mails(String relative) {
        try (Stream<Path> files = Files.walk(root().resolve(relative))) {
            return files.filter(Files::isRegularFile)
                .filter(path -> !EXPECTED.matcher(path.toString().replace('\\', '/')).matches())
                .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ParsedMessage parse(MessageParser parser, Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parser.parse(in, Envelope.none(), MessageParserTest.RECEIVED, Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(ParsedMessage parsed) {
        try {
            return MAPPER.readTree(parsed.json());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String name(Path file) {
        return root().relativize(file).toString();
    }
}
