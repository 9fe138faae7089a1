package org.mailhook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.mailhook.json.MessageSchema;
import org.mailhook.testing.Corpus;

class ParseCommandTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... argv) {
        Console console = new Console(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        List<String> all = new ArrayList<>(List.of("parse"));
        all.addAll(List.of(argv));
        return Mailhook.run(all.toArray(String[]::new), console);
    }

    private static String mail(String relative) {
        return Corpus.path("mime/" + relative).toString();
    }

    @Test
    void oneFilePrintsTheDocumentWithTheEnvelopeGiven() throws Exception {
        int exit = run("--mail-from", "a@example.net", "--rcpt-to", "b@example.org", "--rcpt-to", "c@example.org",
            "--remote-address", "192.0.2.1", "--helo", "mx.example.net", "--received-at", "2026-11-29T07:00:00Z",
            mail("postal-mime/calendar-event.eml"));

        assertThat(exit).isEqualTo(Command.OK);
        String text = out.toString(StandardCharsets.UTF_8).strip();
        assertThat(text.lines().count()).isEqualTo(1);
        JsonNode document = mapper.readTree(text);
        assertThat(MessageSchema.errors(document)).isEmpty();
        assertThat(document.get("receivedAt").asText()).isEqualTo("2026-11-29T07:00:00Z");
        assertThat(document.get("envelope").get("rcptTo")).extracting(JsonNode::asText)
            .containsExactly("b@example.org", "c@example.org");
        assertThat(document.get("envelope").get("helo").asText()).isEqualTo("mx.example.net");
        assertThat(document.get("calendar").get(0).get("method").asText()).isEqualTo("REQUEST");
        assertThat(document.has("file")).isFalse();
    }

    @Test
    void severalFilesPrintJsonLinesNamingTheirFile() throws Exception {
        String first = mail("mailparser/nodemailer.eml");
        String second = mail("stalwart-mail-parser/eml/malformed/001.eml");
        assertThat(run("--thin", first, second)).isEqualTo(Command.OK);

        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(2);
        JsonNode one = mapper.readTree(lines.get(0));
        assertThat(one.fieldNames().next()).isEqualTo("file");
        assertThat(one.get("file").asText()).isEqualTo(first);
        assertThat(one.get("thin").asBoolean()).isTrue();
        assertThat(mapper.readTree(lines.get(1)).get("parse").get("errors").size()).isPositive();
    }

    @Test
    void bareOutlookMsgFileIsParsed() throws Exception {
        assertThat(run("--received-at", "2026-11-29T07:00:00Z", mail("apache-poi/outlook-msg/quick.msg"))).isEqualTo(Command.OK);

        JsonNode document = mapper.readTree(out.toString(StandardCharsets.UTF_8));
        assertThat(MessageSchema.errors(document)).isEmpty();
        assertThat(document.get("subject").asText()).isEqualTo("Test the content transformer");
        assertThat(document.get("text").asText()).contains("The quick brown fox jumps over the lazy dog");
        assertThat(document.get("parse").get("errors")).isEmpty();
    }

    @Test
    void bareTnefFileGivesItsFiles() throws Exception {
        // the same files as when the TNEF data arrives as a winmail.dat attachment (POI's quick-contents)
        assertThat(run("--received-at", "2026-11-29T07:00:00Z", mail("apache-poi/tnef/quick-winmail.dat"))).isEqualTo(Command.OK);

        JsonNode document = mapper.readTree(out.toString(StandardCharsets.UTF_8));
        assertThat(MessageSchema.errors(document)).isEmpty();
        assertThat(document.get("parse").get("errors")).isEmpty();
        List<String> names = new ArrayList<>();
        document.get("attachments").forEach(a -> {
            assertThat(a.get("source").asText()).isEqualTo("tnef");
            assertThat(a.get("partId").asText()).startsWith("1.t");
            names.add(a.get("filename").asText());
        });
        assertThat(names).containsExactlyInAnyOrder(java.nio.file.Files.list(Corpus.path("mime/apache-poi/tnef/quick-contents"))
            .map(p -> p.getFileName().toString()).filter(n -> !n.matches("(message|body)\\.(rtf|html|txt|htm)")).toArray(String[]::new));
    }

    @Test
    void unreadableFileOrBadOptionIsExitTwo() {
        assertThat(run(Path.of("no", "such", "mail.eml").toString())).isEqualTo(Command.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot read");
        assertThat(run("--received-at", "yesterday", mail("mailparser/nodemailer.eml"))).isEqualTo(Command.USAGE);
        assertThat(run()).isEqualTo(Command.USAGE);
        assertThat(out.size()).isZero();
    }
}
