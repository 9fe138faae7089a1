package org.mailhook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.testing.Corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

class VerifyCommandTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Console console = new Console(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));

    private String[] signedFootball(Path dir, String... extra) throws Exception {
        ObjectNode zone = (ObjectNode) MAPPER.readTree(Files.readAllBytes(Corpus.path("auth/dkim/rfc8463-mailauth/dns.json")));
        zone.putObject("_dmarc.football.example.com").putArray("TXT").add("v=DMARC1; p=reject");
        ((ObjectNode) zone.get("football.example.com")).putArray("TXT").add("v=spf1 ip4:192.0.2.0/24 -all");
        Path dns = dir.resolve("dns.json");
        Files.writeString(dns, zone.toString());
        String[] base = {"verify", Corpus.path("auth/dkim/rfc8463-mailauth/signed.eml").toString(),
            "--dns", dns.toString(), "--ip", "192.0.2.7", "--helo", "mail.football.example.com",
            "--mail-from", "joe@football.example.com", "--now", "1528637909", "--authserv-id", "mx.example.net"};
        String[] argv = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, argv, base.length, extra.length);
        return argv;
    }

    @Test
    void printsOneJsonDocumentAndNothingElse(@TempDir Path dir) throws Exception {
        int exit = Mailhook.run(signedFootball(dir), console);

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        // the whole of stdout is one JSON document (what `mailhook verify … | jq` reads): no trailing text
        com.fasterxml.jackson.core.JsonParser parser = MAPPER.getFactory().createParser(printed);
        JsonNode json = MAPPER.readTree(parser);
        assertThat(parser.nextToken()).as("anything after the JSON document").isNull();
        assertThat(printed).doesNotContain("Authentication-Results:");
        assertThat(json.at("/spf/result").asText()).isEqualTo("pass");
        assertThat(json.at("/dkim/0/algorithm").asText()).isEqualTo("ed25519-sha256");
        assertThat(json.at("/dmarc/result").asText()).isEqualTo("pass");
        assertThat(json.get("authenticationResults").asText()).startsWith("mx.example.net;").contains("dkim=pass");
    }

    @Test
    void headerFlagPrintsOnlyTheHeaderLine(@TempDir Path dir) throws Exception {
        int exit = Mailhook.run(signedFootball(dir, "--header"), console);

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        // one header field, folded as the mailet adds it: every line after the first is a continuation
        assertThat(printed.lines().skip(1)).allMatch(line -> line.startsWith("\t") || line.startsWith(" "));
        assertThat(printed).startsWith("Authentication-Results: mx.example.net;").contains("dkim=pass", "dmarc=pass")
            .doesNotContain("{");
        out.reset();
        Mailhook.run(signedFootball(dir), console);
        assertThat(printed.strip()).isEqualTo("Authentication-Results: "
            + MAPPER.readTree(out.toString(StandardCharsets.UTF_8)).get("authenticationResults").asText());
    }

    @Test
    void helpNamesTheHeaderFlag() {
        assertThat(new VerifyCommand().help()).contains("--header").contains("nothing else");
    }

    @Test
    void dmarcFailIsAFinding(@TempDir Path dir) throws Exception {
        Path dns = dir.resolve("dns.json");
        Files.writeString(dns, "{\"_dmarc.football.example.com\": {\"TXT\": [\"v=DMARC1; p=quarantine\"]}}");
        int exit = Mailhook.run(new String[] {"verify", Corpus.path("auth/dkim/rfc8463-mailauth/signed.eml").toString(),
            "--dns", dns.toString(), "--ip", "203.0.113.5", "--sample", "0"}, console);
        assertThat(exit).isEqualTo(Command.FINDING);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"disposition\" : \"quarantine\"");
    }

    @Test
    void badUsageIsExitTwo() {
        assertThat(Mailhook.run(new String[] {"verify", "/nonexistent.eml", "--ip", "192.0.2.1"}, console))
            .isEqualTo(Command.USAGE);
        String message = Corpus.path("auth/dkim/rfc8463-mailauth/signed.eml").toString();
        assertThat(Mailhook.run(new String[] {"verify", message, "--ip", "not-an-ip"}, console)).isEqualTo(Command.USAGE);
        assertThat(Mailhook.run(new String[] {"verify", message, "--ip", "192.0.2.1", "--now", "soon"}, console))
            .isEqualTo(Command.USAGE);
        assertThat(Mailhook.run(new String[] {"verify", "x.eml"}, console)).isEqualTo(Command.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("mailhook verify:");
    }
}
