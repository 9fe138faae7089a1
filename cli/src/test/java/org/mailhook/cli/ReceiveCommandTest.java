package org.mailhook.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.webhook.WebhookSecret;
import org.mailhook.webhook.WebhookSignature;

/** {@code mailhook receive}: where the secret comes from, and the demo receiver's bound on request bodies. */
class ReceiveCommandTest {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String OTHER = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

    private static Args args(String... argv) throws UsageException {
        return Args.parse(List.of(argv), Set.of("secret", "secret-file", "port", "host", "out"), Set.of("quiet"));
    }

    @Test
    void theSecretComesFromAFileTheEnvironmentOrDiscouragedlyTheCommandLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("secret");
        Files.writeString(file, SECRET + "\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);

        assertThat(ReceiveCommand.secretText(args("--secret-file", file.toString()), Map.of("MAILHOOK_WEBHOOK_SECRET", OTHER), errStream))
            .isEqualTo(SECRET);
        assertThat(ReceiveCommand.secretText(args(), Map.of("MAILHOOK_WEBHOOK_SECRET", OTHER), errStream)).isEqualTo(OTHER);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();

        assertThat(ReceiveCommand.secretText(args("--secret", SECRET), Map.of(), errStream)).isEqualTo(SECRET);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("warning: --secret").contains("ps")
            .contains("--secret-file").contains("MAILHOOK_WEBHOOK_SECRET").doesNotContain(SECRET);
    }

    @Test
    void secretProblemsAreUsageErrorsThatNeverShowTheSecret(@TempDir Path dir) throws Exception {
        PrintStream err = new PrintStream(OutputStream.nullOutputStream());
        assertThatThrownBy(() -> ReceiveCommand.secretText(args(), Map.of(), err)).isInstanceOf(UsageException.class)
            .hasMessageContaining("MAILHOOK_WEBHOOK_SECRET").hasMessageContaining("--secret-file");
        assertThatThrownBy(() -> ReceiveCommand.secretText(args("--secret-file", dir.resolve("missing").toString()), Map.of(), err))
            .isInstanceOf(UsageException.class).hasMessageContaining("cannot read --secret-file");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThatThrownBy(() -> ReceiveCommand.secretText(args("--secret-file", empty.toString()), Map.of(), err))
            .isInstanceOf(UsageException.class).hasMessageContaining("is empty");
        Path file = Files.writeString(dir.resolve("secret"), SECRET);
        assertThatThrownBy(() -> ReceiveCommand.secretText(args("--secret-file", file.toString(), "--secret", SECRET), Map.of(), err))
            .isInstanceOf(UsageException.class).hasMessageContaining("not both").message().doesNotContain(SECRET);
    }

    @Test
    void demoReceiverRefusesBodiesOverItsBoundWith413() throws Exception {
        assertThat(DemoReceiver.DEFAULT_MAX_BODY_BYTES).isEqualTo(50L * 1024 * 1024);
        WebhookSecret secret = WebhookSecret.parse(SECRET);
        Instant now = Instant.parse("2026-11-29T06:00:00Z");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (DemoReceiver receiver = DemoReceiver.start("127.0.0.1", 0, secret, Optional.empty(), false,
            new PrintStream(printed, true, StandardCharsets.UTF_8), Clock.fixed(now, ZoneOffset.UTC), 1024)) {
            URI uri = URI.create("http://127.0.0.1:" + receiver.port() + "/webhook");
            HttpClient client = HttpClient.newHttpClient();

            byte[] fits = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            assertThat(post(client, uri, secret, now, fits, false)).isEqualTo(204);
            byte[] exactly = new byte[1024];
            java.util.Arrays.fill(exactly, (byte) ' ');
            assertThat(post(client, uri, secret, now, exactly, false)).isEqualTo(204);

            byte[] tooLarge = new byte[1025];
            java.util.Arrays.fill(tooLarge, (byte) ' ');
            // With a Content-Length (refused before reading) and chunked (refused one byte past the bound).
            assertThat(post(client, uri, secret, now, tooLarge, false)).isEqualTo(413);
            assertThat(post(client, uri, secret, now, new byte[4096], true)).isEqualTo(413);
            assertThat(receiver.verifiedCount()).isEqualTo(2);
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("REJECTED body larger than 1024 bytes (413)");
        }
    }

    private static int post(HttpClient client, URI uri, WebhookSecret secret, Instant now, byte[] body, boolean chunked) throws Exception {
        String signature = WebhookSignature.sign(List.of(secret), "msg_x", now.getEpochSecond(), body);
        HttpRequest.BodyPublisher publisher = chunked
            ? HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))
            : HttpRequest.BodyPublishers.ofByteArray(body);
        HttpRequest request = HttpRequest.newBuilder(uri).POST(publisher)
            .header(WebhookSignature.ID_HEADER, "msg_x")
            .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(now.getEpochSecond()))
            .header(WebhookSignature.SIGNATURE_HEADER, signature).build();
        return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
