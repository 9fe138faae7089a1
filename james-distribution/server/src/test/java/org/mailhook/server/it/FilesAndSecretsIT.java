package org.mailhook.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.testing.SmtpClient;

/**
 * The assembled server's process and files: the JVM exits on OutOfMemoryError and has a sized heap;
 * the data directory and var/ are 0700, every rendered conf file 0600 (they hold the webhook secret);
 * no keystore password ships: the first start generates a random one and a self-signed keystore
 * (0600, reused on the next start, STARTTLS works with them), and replaces a keystore left by an
 * earlier version, which was made with the shipped password.
 */
class FilesAndSecretsIT {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    @Test
    void dataIsOwnerOnlyAndTheKeystorePasswordIsGenerated(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        // An earlier version's keystore (generated with the password it shipped) and a world-readable conf.
        Files.createDirectories(data.resolve("conf"));
        Files.writeString(data.resolve("conf/keystore"), "made with the shipped password");
        Files.writeString(data.resolve("conf/mailetcontainer.xml"), "old");
        Files.setPosixFilePermissions(data.resolve("conf/mailetcontainer.xml"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));

        String firstPassword;
        try (ServerProcess server = ServerProcess.mailhook(data, "http://127.0.0.1:9/webhook", SECRET,
            Map.of("MAILHOOK_JAVA_OPTS", "-Xms64m -Xmx384m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC")).start()) {
            List<String> commandLine = commandLine(server.pid());
            assertThat(commandLine).contains("-XX:+ExitOnOutOfMemoryError", "-Xmx384m");

            assertThat(mode(data)).isEqualTo("rwx------");
            assertThat(mode(data.resolve("var"))).isEqualTo("rwx------");
            assertThat(mode(data.resolve("conf"))).isEqualTo("rwx------");
            try (Stream<Path> conf = Files.walk(data.resolve("conf"))) {
                for (Path file : conf.filter(Files::isRegularFile).toList()) {
                    assertThat(mode(file)).as(file.toString()).isEqualTo("rw-------");
                }
            }
            String mailetcontainer = Files.readString(data.resolve("conf/mailetcontainer.xml"));
            assertThat(mailetcontainer).contains(SECRET);

            firstPassword = Files.readString(data.resolve("conf/keystore.password")).strip();
            assertThat(firstPassword).hasSizeGreaterThanOrEqualTo(32).doesNotContain("mailhook-demo-keystore");
            assertThat(Files.readString(data.resolve("conf/smtpserver.xml"))).contains("<secret>" + firstPassword + "</secret>")
                .doesNotContain("mailhook-demo-keystore");
            assertThat(server.output()).contains("replacing").contains("keystore");
            assertThat(load(data.resolve("conf/keystore"), firstPassword).aliases().hasMoreElements()).isTrue();

            try (SmtpClient smtp = new SmtpClient(server.smtpPort())) {
                assertThat(smtp.command("EHLO test.example")).contains("STARTTLS");
                assertThat(smtp.startTls()).startsWith("220").contains("TLS");
                assertThat(smtp.command("EHLO test.example")).startsWith("250");
            }
        }

        // A second start reuses the password and the keystore (no replacement).
        byte[] keystore = Files.readAllBytes(data.resolve("conf/keystore"));
        Files.delete(data.resolve("server.out"));
        try (ServerProcess server = ServerProcess.mailhook(data, "http://127.0.0.1:9/webhook", SECRET, Map.of()).start()) {
            assertThat(Files.readString(data.resolve("conf/keystore.password")).strip()).isEqualTo(firstPassword);
            assertThat(Files.readAllBytes(data.resolve("conf/keystore"))).isEqualTo(keystore);
            assertThat(server.output()).doesNotContain("replacing");
            List<String> commandLine = commandLine(server.pid());
            assertThat(commandLine).contains("-XX:+ExitOnOutOfMemoryError");
        }
    }

    @Test
    void theDefaultHeapIsSized(@TempDir Path dir) throws Exception {
        try (ServerProcess server = ServerProcess.mailhook(dir.resolve("data"), "http://127.0.0.1:9/webhook", SECRET, Map.of())
            .withoutJavaOpts().start()) {
            assertThat(commandLine(server.pid())).contains("-XX:+ExitOnOutOfMemoryError", "-Xms128m", "-Xmx1g");
        }
    }

    @Test
    void anOperatorKeystoreWithoutItsPasswordStopsStartup(@TempDir Path dir) throws Exception {
        ServerProcess server = ServerProcess.mailhook(dir.resolve("data"), "http://127.0.0.1:9/webhook", SECRET,
            Map.of("MAILHOOK_TLS_KEYSTORE", "file:///etc/mailhook/mx.p12"));
        assertThat(server.runToExit(java.time.Duration.ofMinutes(2))).isEqualTo(2);
        assertThat(server.output()).contains("MAILHOOK_TLS_KEYSTORE_PASSWORD");
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static KeyStore load(Path file, String password) throws Exception {
        KeyStore keystore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            keystore.load(in, password.toCharArray());
        }
        return keystore;
    }

    /** The JVM's arguments as the kernel has them (the start script execs java, so the pid is the JVM's). */
    private static List<String> commandLine(long pid) throws Exception {
        String raw = new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8);
        return List.of(raw.split("\0"));
    }
}
