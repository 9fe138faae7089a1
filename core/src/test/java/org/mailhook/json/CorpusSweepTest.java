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
    void everyCorpusFileYieldsASchemaValidDocument() throws java.io.IOException {
        MessageParser parser = new MessageParser(ParseOptions.defaults());
        List<String> failures = new ArrayList<>();
        int files = 0;
        int withErrors = 0;
        int withWarnings = 0;
        long bytes = 0;
        int keyChecks = 0;
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
                if (document.get("raw").get("size").asLong() != java.nio.file.Files.size(file)) {
                    failures.add(MimeCorpus.name(file) + ": raw.size is not the file size");
                }
                keyChecks += checkKeyStability(parser, file, parsed.id(), failures);
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
        System.out.printf("[corpus sweep] id unchanged by an added Received/DKIM-Signature header and by LF line ends: "
            + "%d mails checked%n", keyChecks);
        codes.forEach((code, count) -> System.out.printf("[corpus sweep] %5d %s%n", count, code));
        failures.forEach(failure -> System.out.println("[corpus sweep] FAIL " + failure));
        assertThat(files).isGreaterThanOrEqualTo(400);
        assertThat(keyChecks).isGreaterThanOrEqualTo(350);
        assertThat(failures).isEmpty();
    }

    /**
     * The idempotency key must not change when a relay adds trace headers or when line ends are LF
     * instead of CRLF. Checked on every mail that starts with a header field (not an mbox line or a
     * binary file, where an added header changes what the header is); returns 1 when checked.
     */
    private static int checkKeyStability(MessageParser parser, Path file, String id, List<String> failures)
        throws java.io.IOException {
        byte[] raw = java.nio.file.Files.readAllBytes(file);
        String start = new String(raw, 0, Math.min(raw.length, 200), java.nio.charset.StandardCharsets.ISO_8859_1);
        if (!start.matches("(?s)^[A-Za-z0-9-]+:.*")) {
            return 0;
        }
        byte[] relayed = concat(("Received: from relay.example.net by mx.example.org; Sun, 29 Nov 2026 07:00:00 +0000\r\n"
            + "DKIM-Signature: v=1; a=rsa-sha256; d=example.net; s=s1; b=AAAA\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII), raw);
        byte[] lf = new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1).replace("\r\n", "\n")
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        for (byte[] variant : List.of(relayed, lf)) {
            String other = parser.parse(new java.io.ByteArrayInputStream(variant), Envelope.none(), MessageParserTest.RECEIVED,
                Map.of()).id();
            if (!other.equals(id)) {
                failures.add(MimeCorpus.name(file) + ": id changed (" + (variant == lf ? "LF line ends" : "relay headers") + ")");
            }
        }
        return 1;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
