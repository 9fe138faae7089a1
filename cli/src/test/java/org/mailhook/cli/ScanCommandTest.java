package org.mailhook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.attachments.Samples;
import org.mailhook.attachments.TestMails;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class ScanCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... argv) {
        return Mailhook.run(argv, new Console(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
    }

    private Path write(String name, byte[] mime) throws Exception {
        return Files.write(dir.resolve(name), mime);
    }

    @Test
    void dangerousMessageExitsOneWithVerdictJson() throws Exception {
        Path eml = write("zip.eml", TestMails.mailWithAttachment("docs.zip", "application/zip", Samples.zip("setup.exe", Samples.peExecutable())));
        assertThat(run("scan", eml.toString())).isEqualTo(Command.FINDING);
        JsonNode json = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertThat(json.path("verdict").asText()).isEqualTo("dangerous");
        assertThat(json.path("quarantined").get(0).path("partId").asText()).isEqualTo("2");
        assertThat(json.path("quarantined").get(0).path("findings").get(0).path("path").asText()).isEqualTo("setup.exe");
    }

    @Test
    void cleanMessageExitsZero() throws Exception {
        Path eml = write("clean.eml", TestMails.mailWithAttachment("report.pdf", "application/pdf", Samples.plainPdf()));
        assertThat(run("scan", eml.toString())).isEqualTo(Command.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"verdict\" : \"clean\"");
    }

    @Test
    void clamdDownIsAWarningOrAFindingByPolicy() throws Exception {
        Path eml = write("clean.eml", TestMails.mailWithAttachment("report.pdf", "application/pdf", Samples.plainPdf()));
        assertThat(run("scan", eml.toString(), "--clamd", "127.0.0.1:1", "--clamd-timeout", "2000")).isEqualTo(Command.OK);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("warning: part 2 was not virus-scanned");
        assertThat(run("scan", eml.toString(), "--clamd", "127.0.0.1:1", "--clamd-unavailable", "quarantine")).isEqualTo(Command.FINDING);
    }

    @Test
    void badUsageExitsTwo() throws Exception {
        assertThat(run("scan")).isEqualTo(Command.USAGE);
        assertThat(run("scan", dir.resolve("missing.eml").toString())).isEqualTo(Command.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot read");
        Path eml = write("x.eml", TestMails.mailWithAttachment("a.txt", "text/plain", Samples.text("x")));
        assertThat(run("scan", eml.toString(), "--clamd", "host:port")).isEqualTo(Command.USAGE);
        assertThat(run("scan", eml.toString(), "--clamd-unavailable", "maybe")).isEqualTo(Command.USAGE);
        assertThat(run("help", "scan")).isEqualTo(Command.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: mailhook scan FILE.eml");
    }
}
