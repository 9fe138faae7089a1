package org.mailhook.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.mailhook.testing.RecordingReceiver;
import org.mailhook.testing.SmtpClient;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.server.ConfigTemplates;

/**
 * The drop-in jar in a stock James 3.8.1 memory server ({@code MemoryJamesServerMain}, in-memory
 * queues, no Mailhook main): copied into {@code extensions-jars/}, referenced by class name from
 * mailetcontainer.xml, it loads and delivers.
 */
class DropInJarIT {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    @Test
    void extensionJarLoadsAndDeliversInStockJames(@TempDir Path data) throws Exception {
        Path home = ServerProcess.home();
        try (RecordingReceiver receiver = new RecordingReceiver(SECRET)) {
            int smtp = ServerProcess.freePort();
            Map<String, String> env = new HashMap<>();
            env.put("MAILHOOK_SMTP_PORT", Integer.toString(smtp));
            env.put("MAILHOOK_WEBADMIN_PORT", Integer.toString(ServerProcess.freePort()));
            env.put("MAILHOOK_WEBHOOK_URL", receiver.url());
            env.put("MAILHOOK_WEBHOOK_SECRET", SECRET);
            env.put("MAILHOOK_WEBHOOK_ALLOW_LOOPBACK", "true");
            env.put("MAILHOOK_STARTTLS", "false");
            // No keystore password ships; with STARTTLS off any value renders the template.
            env.put("MAILHOOK_TLS_KEYSTORE_PASSWORD", java.util.UUID.randomUUID().toString());
            ConfigTemplates.render(home.resolve("conf"), data.resolve("conf"), env);
            // As mailhook-server does after rendering: an empty jwt.publickeypem.url would stop James.
            org.mailhook.server.WebAdminAccess.check(data.resolve("conf"));
            Files.writeString(data.resolve("conf/jmx.properties"), "jmx.enabled=false\njmx.address=127.0.0.1\njmx.port=" + ServerProcess.freePort() + "\n");
            Files.createDirectories(data.resolve("extensions-jars"));
            Files.copy(home.resolve("extensions-jars/mailhook-extension.jar"), data.resolve("extensions-jars/mailhook-extension.jar"));

            ServerProcess james = ServerProcess.custom(data, ServerProcess.javaCommand(
                "-Xmx512m", "-XX:TieredStopAtLevel=1",
                "-Dworking.directory=" + data, "-Dmailhook.data=" + data,
                "-Dlogback.configurationFile=" + data.resolve("conf/logback.xml"),
                "-cp", home.resolve("lib") + "/*", "org.apache.james.MemoryJamesServerMain"), Map.of(), smtp, 0);
            try (james) {
                james.start();
                String reply = SmtpClient.send(smtp, "carol@example.org", "dropin@inbound.localhost",
                    "From: carol@example.org\r\nSubject: drop-in\r\n\r\nfrom a stock James\r\n");
                assertThat(reply).startsWith("250");
                await().atMost(Duration.ofSeconds(30)).until(() -> receiver.deliveries().stream()
                    .anyMatch(d -> d.signatureValid() && d.body().contains("drop-in")));
                // No secrets.keyFile nor storage.keyFiles here: the records are in clear, and startup says so per repository.
                assertThat(james.output()).contains("mailhook://var/mail/error: mail is stored in clear: no storage key");
            }
        }
    }
}
