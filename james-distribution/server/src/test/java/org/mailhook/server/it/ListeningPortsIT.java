package org.mailhook.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The assembled server listens on the SMTP and WebAdmin ports it is configured with and nothing else:
 * in particular not on the OpenWire port James' embedded ActiveMQ opens on localhost (ActiveMQ 5.17.3,
 * CVE-2023-46604, remote code execution). Read from the kernel: the server JVM's sockets in LISTEN state.
 */
class ListeningPortsIT {
    @Test
    void listensOnlyOnTheConfiguredPorts(@TempDir Path dir) throws Exception {
        try (ServerProcess server = ServerProcess.mailhook(dir.resolve("data"), "http://127.0.0.1:9/webhook",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Map.of()).start()) {
            Thread.sleep(2000);
            assertThat(listeningPorts(server.pid())).containsExactlyInAnyOrder(server.smtpPort(), server.webadminPort());
        }
    }

    /** Ports of the process' TCP sockets in LISTEN state (state 0A in /proc/net/tcp and tcp6). */
    static Set<Integer> listeningPorts(long pid) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // a descriptor closed between listing and reading
                }
            }
        }
        Set<Integer> ports = new TreeSet<>();
        for (String table : List.of("tcp", "tcp6")) {
            List<String> lines = Files.readAllLines(Path.of("/proc/" + pid + "/net/" + table));
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                if (fields[3].equals("0A") && inodes.contains(fields[9])) {
                    ports.add(Integer.parseInt(fields[1].substring(fields[1].indexOf(':') + 1), 16));
                }
            }
        }
        return ports;
    }
}
