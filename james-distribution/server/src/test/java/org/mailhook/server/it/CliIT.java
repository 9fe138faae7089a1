package org.mailhook.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.testing.Corpus;
import org.mailhook.testing.SmtpClient;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The {@code mailhook} command of the assembled server folder, run as a user runs it: its classpath
 * is the drop-in jar (relocated libraries) plus James' logging, nothing else.
 */
class CliIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Result(int exit, String out, String err) {
    }

    private static Result mailhook(Path work, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ServerProcess.home().resolve("bin/mailhook").toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("mailhook %s finished", List.of(args)).isTrue();
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void helpListsEveryCommandAndBadUsageExitsTwo(@TempDir Path work) throws Exception {
        Result help = mailhook(work, "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("run", "receive", "parse", "verify", "scan", "doctor", "reparse");
        for (String command : List.of("run", "receive", "parse", "verify", "scan", "doctor", "reparse")) {
            Result commandHelp = mailhook(work, command, "--help");
            assertThat(commandHelp.exit()).as(command).isZero();
            assertThat(commandHelp.out()).as(command).contains("Usage: mailhook " + command);
        }
        Result unknown = mailhook(work, "frobnicate");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err().strip().lines()).hasSize(1);
        Result badOption = mailhook(work, "parse", "--no-such-option");
        assertThat(badOption.exit()).isEqualTo(2);
    }

    @Test
    void parseVerifyAndScanRunFromTheShadedJar(@TempDir Path work) throws Exception {
        Path signed = Corpus.path("auth/dkim/rfc8463-mailauth/signed.eml");
        Result parse = mailhook(work, "parse", signed.toString());
        assertThat(parse.exit()).as(parse.err()).isZero();
        assertThat(JSON.readTree(parse.out()).path("subject").asText()).isEqualTo("Is dinner ready?");

        Result verify = mailhook(work, "verify", signed.toString(), "--dns", Corpus.path("auth/dkim/rfc8463-mailauth/dns.json").toString(),
            "--ip", "213.165.64.12", "--mail-from", "joe@football.example.com", "--helo", "mail.football.example.com");
        assertThat(verify.exit()).as(verify.err()).isZero();
        assertThat(verify.out()).contains("\"result\" : \"pass\"", "dkim=pass", "spf=pass");

        Result scan = mailhook(work, "scan", signed.toString());
        assertThat(scan.exit()).as(scan.err()).isZero();
        assertThat(scan.out()).contains("\"verdict\"");
        Result unreadable = mailhook(work, "scan", work.resolve("missing.eml").toString());
        assertThat(unreadable.exit()).isEqualTo(2);
    }

    @Test
    void runStartsJamesAndTheDemoReceiverThenStopsOnInterrupt(@TempDir Path work) throws Exception {
        int smtp = ServerProcess.freePort();
        List<String> command = List.of(ServerProcess.home().resolve("bin/mailhook").toString(), "run",
            "--smtp-port", Integer.toString(smtp), "--webadmin-port", Integer.toString(ServerProcess.freePort()),
            "--receiver-port", Integer.toString(ServerProcess.freePort()), "--data", work.resolve("data").toString());
        Path out = work.resolve("run.out");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().put("MAILHOOK_JAVA_OPTS", "-Xms64m -Xmx512m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        Process run = builder.start();
        try {
            await().atMost(Duration.ofMinutes(3)).until(() -> read(out).contains("Mailhook is running."));
            assertThat(read(out)).contains("127.0.0.1:" + smtp, "swaks --server 127.0.0.1:" + smtp);
            assertThat(SmtpClient.send(smtp, "demo@example.org", "anything@inbound.localhost",
                "Subject: demo run\r\n\r\nhello\r\n")).startsWith("250");
            await().atMost(Duration.ofSeconds(30)).until(() -> read(out).contains("VERIFIED webhook-id=msg_"));
            assertThat(read(out)).contains("\"subject\":\"demo run\"");
        } finally {
            // Ctrl-C: SIGINT to the command stops James and the receiver.
            new ProcessBuilder("kill", "-INT", Long.toString(run.pid())).start().waitFor();
            assertThat(run.waitFor(90, TimeUnit.SECONDS)).as("mailhook run stopped on SIGINT").isTrue();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> !ServerProcess.listening(smtp));
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }
}
