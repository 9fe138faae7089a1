package org.mailhook.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

/** Every file of the MIME corpus, mail or not, gives a schema-valid document and never an exception. */
class CorpusSweepTest {

    @Test
    void everyCorpusFileYieldsASchemaValidDocument() {
        MessageParser parser = new MessageParser(ParseOptions.defaults());
        List<String> failures = new ArrayList<>();
        int files = 0;
        int withErrors = 0;
        int withWarnings = 0;
        long bytes = 0;
        Map<String, Integer> codes = new TreeMap<>();
        for (Path file : MimeCorpus.mails("")) {
            files++;
            try {
                ParsedMessage parsed = MimeCorpus.parse(parser, file);
                List<String> errors = MessageSchema.errors(parsed.json());
                if (!errors.isEmpty()) {
                    failures.add(MimeCorpus.name(file) + ": " + errors);
                }
                withErrors += parsed.errorCount() > 0 ? 1 : 0;
                withWarnings += parsed.warningCount() > 0 ? 1 : 0;
                JsonNode document = MimeCorpus.json(parsed);
                bytes += document.get("raw").get("size").asLong();
                for (String kind : List.of("errors", "warnings")) {
                    document.get("parse").get(kind).forEach(problem ->
                        codes.merge(kind + " " + problem.get("code").asText(), 1, Integer::sum));
                }
            } catch (RuntimeException | StackOverflowError e) {
                failures.add(MimeCorpus.name(file) + ": threw " + e);
            }
        }
        System.out.printf("[corpus sweep] %d files, %d bytes: %d schema-valid, %d with parse.errors, %d with warnings%n",
            files, bytes, files - failures.size(), withErrors, withWarnings);
        codes.forEach((code, count) -> System.out.printf("[corpus sweep] %5d %s%n", count, code));
        failures.forEach(failure -> System.out.println("[corpus sweep] FAIL " + failure));
        assertThat(files).isGreaterThanOrEqualTo(400);
        assertThat(failures).isEmpty();
    }
}
