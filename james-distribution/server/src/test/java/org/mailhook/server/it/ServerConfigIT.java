package org.mailhook.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad configuration stops startup with a message naming the file and the key. */
class ServerConfigIT {

    @Test
    void missingWebhookSecretStopsStartupNamingFileAndKey(@TempDir Path data) throws Exception {
        ServerProcess server = ServerProcess.mailhook(data, "http://127.0.0.1:9/webhook", null, Map.of());
        int exit = server.runToExit(Duration.ofMinutes(2));
        assertThat(exit).isEqualTo(2);
        assertThat(server.output()).contains("mailetcontainer.xml").contains("MAILHOOK_WEBHOOK_SECRET");
    }

    @Test
    void invalidWebhookSecretStopsStartupNamingTheParameter(@TempDir Path data) throws Exception {
        ServerProcess server = ServerProcess.mailhook(data, "http://127.0.0.1:9/webhook", "not-base64!", Map.of());
        int exit = server.runToExit(Duration.ofMinutes(3));
        assertThat(exit).isNotZero();
        assertThat(server.output()).contains("WebhookDelivery").contains("<secret>");
        assertThat(server.output()).doesNotContain("not-base64!");
    }

    @Test
    void badMinimumFreeSpaceStopsStartupNamingFileAndKey(@TempDir Path data) throws Exception {
        ServerProcess server = ServerProcess.mailhook(data, "http://127.0.0.1:9/webhook", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            Map.of("MAILHOOK_MIN_FREE_BYTES", "10 MB please"));
        int exit = server.runToExit(Duration.ofMinutes(3));
        assertThat(exit).isNotZero();
        assertThat(server.output()).contains("mailhook.properties: smtp.minFreeBytes: '10 MB please' is not a byte count");
    }
}
