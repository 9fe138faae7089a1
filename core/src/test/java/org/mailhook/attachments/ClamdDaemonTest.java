package org.mailhook.attachments;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A real clamd (Debian's clamav-daemon, installed by .ci/setup/clamav.sh) started by the test on a
 * loopback port with a signature database written here: no freshclam, no network. Without clamd the
 * test aborts, unless -Dmailhook.services.required=true (CI), where it fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClamdDaemonTest {
    private static final String MARKER = "MAILHOOK-CLAMD-TEST-MARKER-7f3a";

    private Process clamd;
    private Path work;
    private int port;

    @BeforeAll
    void startClamd() throws Exception {
        Optional<Path> binary = findClamd();
        if (binary.isEmpty()) {
            String message = "clamd is not installed: run .ci/setup/clamav.sh (apt-get install clamav-daemon) to run the ClamAV test";
            if (Boolean.getBoolean("mailhook.services.required")) {
                Assertions.fail(message);
            }
            Assumptions.abort(message);
        }
        work = Files.createTempDirectory("mailhook-clamd");
        Path db = Files.createDirectories(work.resolve("db"));
        byte[] eicar = Samples.eicar();
        // .hdb: MD5:size:name of the whole file; .ndb: name:target:offset:hex body signature.
        Files.writeString(db.resolve("mailhook.hdb"),
            HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(eicar)) + ":" + eicar.length + ":Mailhook.Test.EICAR\n");
        Files.writeString(db.resolve("mailhook.ndb"),
            "Mailhook.Test.Marker:0:*:" + HexFormat.of().formatHex(MARKER.getBytes(StandardCharsets.US_ASCII)) + "\n");
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path config = work.resolve("clamd.conf");
        Files.writeString(config, String.join("\n",
            "Foreground yes",
            "TCPAddr 127.0.0.1",
            "TCPSocket " + port,
            "DatabaseDirectory " + db,
            "TemporaryDirectory " + work,
            "PidFile " + work.resolve("clamd.pid"),
            "LogFile " + work.resolve("clamd.log"),
            "StreamMaxLength 1M",
            "") );
        clamd = new ProcessBuilder(binary.get().toString(), "-c", config.toString())
            .redirectErrorStream(true).redirectOutput(work.resolve("clamd.out").toFile()).start();
        ClamdClient client = client(ClamdClient.DEFAULT_MAX_BYTES);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!client.ping()) {
            if (!clamd.isAlive() || System.nanoTime() > deadline) {
                Assertions.fail("clamd did not come up on 127.0.0.1:" + port + ": " + Files.readString(work.resolve("clamd.out")));
            }
            Thread.sleep(250);
        }
    }

    @AfterAll
    void stopClamd() throws Exception {
        if (clamd != null) {
            clamd.destroy();
            if (!clamd.waitFor(10, TimeUnit.SECONDS)) {
                clamd.destroyForcibly();
            }
        }
    }

    private ClamdClient client(long maxBytes) {
        return new ClamdClient(new InetSocketAddress("127.0.0.1", port), Duration.ofSeconds(20), maxBytes);
    }

    private static Optional<Path> findClamd() {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/local/sbin").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "clamd");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** clamd names signatures from a database it did not download "NAME.UNOFFICIAL". */
    @Test
    void eicarIsFoundByTheCustomDatabase() {
        assertThat(client(ClamdClient.DEFAULT_MAX_BYTES).scan(Samples.eicar())).isEqualTo(VirusScan.found("Mailhook.Test.EICAR.UNOFFICIAL"));
    }

    @Test
    void cleanContentIsClean() {
        assertThat(client(ClamdClient.DEFAULT_MAX_BYTES).scan(Samples.text("just a letter")).status()).isEqualTo(VirusScan.Status.CLEAN);
    }

    @Test
    void clamdLooksInsideArchivesAndTheScannerReportsIt() {
        byte[] zip = Samples.zip("notes/readme.txt", Samples.text("hello " + MARKER + " bye"));
        assertThat(client(ClamdClient.DEFAULT_MAX_BYTES).scan(zip)).isEqualTo(VirusScan.found("Mailhook.Test.Marker.UNOFFICIAL"));

        MessageScanner scanner = new MessageScanner(new ContentClassifier(AttachmentPolicy.defaults()),
            Optional.of(client(ClamdClient.DEFAULT_MAX_BYTES)), ScannerDownPolicy.QUARANTINE);
        ScanReport report = scanner.scan(TestMails.mailWithAttachment("notes.zip", "application/zip", zip));
        assertThat(report.flagged()).singleElement().satisfies(v -> {
            assertThat(v.partId()).isEqualTo("2");
            assertThat(v.reasons()).containsExactly("virus");
            assertThat(v.findings()).extracting(Finding::detail).containsExactly("ClamAV: Mailhook.Test.Marker.UNOFFICIAL");
        });
    }

    @Test
    void overSizeIsUnavailableEitherSide() {
        byte[] big = new byte[2 * 1024 * 1024];
        // clamd's own StreamMaxLength (1M here) answers with an error ...
        VirusScan refusedByClamd = client(ClamdClient.DEFAULT_MAX_BYTES).scan(big);
        assertThat(refusedByClamd.status()).isEqualTo(VirusScan.Status.UNAVAILABLE);
        assertThat(refusedByClamd.detail()).contains("size limit");
        // ... and the client's limit stops it before sending.
        assertThat(client(1024).scan(big).detail()).contains("exceed the 1024-byte limit");
        System.out.println("clamd test ran against " + clamdVersion() + " (mailhook.services.required="
            + System.getProperty("mailhook.services.required") + ")");
    }

    private String clamdVersion() {
        try {
            return Files.readAllLines(work.resolve("clamd.log")).stream().filter(l -> l.contains("clamd daemon")).findFirst().orElse("clamd");
        } catch (IOException e) {
            return "clamd";
        }
    }

    @Test
    void scannerDownPoliciesWithARealStoppedPort() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        ClamdClient down = new ClamdClient(new InetSocketAddress("127.0.0.1", closedPort), Duration.ofSeconds(5), ClamdClient.DEFAULT_MAX_BYTES);
        assertThat(down.ping()).isFalse();
        assertThat(down.scan(Samples.eicar()).status()).isEqualTo(VirusScan.Status.UNAVAILABLE);
        assertThat(List.of(VirusScan.Status.values())).contains(down.scan(new byte[0]).status());
    }
}
