package org.mailhook.server.it;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real rspamd (Debian's package, {@code .ci/setup/rspamd.sh}) in the foreground on a free loopback port,
 * with Debian's /etc/rspamd/rspamd.conf as the base and the overrides in test resources {@code rspamd/}.
 * When rspamd is missing the test is aborted with a note, unless {@code mailhook.services.required=true}.
 */
final class RspamdDaemon implements AutoCloseable {
    private static final Path BASE_CONFIG = Path.of("/etc/rspamd/rspamd.conf");
    /** Kept between runs: the first start compiles rspamd's URL and TLD matchers into it (about a minute). */
    private static final Path DB_DIR = Path.of("target", "rspamd-db");

    private final Process process;
    private final int port;
    private final Path log;

    private RspamdDaemon(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static RspamdDaemon start(Path dir) throws IOException, InterruptedException {
        Path rspamd = binary();
        Path overrides;
        try {
            overrides = Path.of(RspamdDaemon.class.getResource("/rspamd").toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        int port = freeTcpPort();
        Path run = Files.createDirectories(dir.resolve("run"));
        Path logs = Files.createDirectories(dir.resolve("log"));
        Files.createDirectories(DB_DIR);
        Path log = logs.resolve("rspamd.log");
        Process process = new ProcessBuilder(rspamd.toString(), "-f", "-u", "root", "-g", "root", "-c", BASE_CONFIG.toString(),
            "--var=LOCAL_CONFDIR=" + overrides, "--var=DBDIR=" + DB_DIR.toAbsolutePath(), "--var=RUNDIR=" + run,
            "--var=LOGDIR=" + logs, "--var=MAILHOOK_RSPAMD_PORT=" + port, "--var=MAILHOOK_RSPAMD_DNS_PORT=" + unusedUdpPort())
            .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        RspamdDaemon daemon = new RspamdDaemon(process, port, log);
        daemon.awaitListening();
        return daemon;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private void awaitListening() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("rspamd exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(250);
            }
        }
        close();
        throw new IOException("rspamd did not listen on 127.0.0.1:" + port + " within 180 s:\n" + Files.readString(log));
    }

    private static Path binary() {
        Optional<Path> found = Stream.concat(Stream.of(System.getenv().getOrDefault("PATH", "").split(":")).map(Path::of),
                Stream.of(Path.of("/usr/bin"), Path.of("/usr/sbin")))
            .map(dir -> dir.resolve("rspamd")).filter(Files::isExecutable).findFirst();
        if (found.isEmpty() || !Files.isReadable(BASE_CONFIG)) {
            String message = "rspamd not found: install it with `sudo bash .ci/setup/rspamd.sh` (Debian package rspamd) "
                + "to run SpamIT against a real Rspamd";
            if (Boolean.getBoolean("mailhook.services.required")) {
                Assertions.fail(message);
            }
            Assumptions.abort(message);
        }
        return found.get();
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    /** A UDP port nobody listens on once this returns: rspamd's DNS queries to it fail at once. */
    private static int unusedUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return socket.getLocalPort();
        }
    }
}
