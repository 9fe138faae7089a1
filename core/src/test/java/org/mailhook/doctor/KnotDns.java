package org.mailhook.doctor;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A real authoritative DNS server for tests: Knot DNS ({@code knotd}, installed by
 * {@code .ci/setup/dns.sh}) on 127.0.0.1 at a free port, serving the zones a test writes. Child zones
 * are delegated from their parent zone automatically; zones marked signed get a key (keymgr), are
 * signed by knotd and have their DS published in the parent. When knotd is missing, tests are aborted
 * with a note, unless {@code mailhook.services.required=true} (as in CI), where they fail.
 */
public final class KnotDns implements AutoCloseable {
    static final String NAME_SERVER = "ns.example.com.";

    /** A zone: its name, its records (zone-file lines relative to the zone) and whether knotd signs it. */
    public record Zone(String name, String records, boolean signed) {
    }

    private final Process process;
    private final int port;
    private final Path log;
    private final Path dir;
    /** Per zone, the delegation (NS, DS) lines its children added; kept when the zone is replaced. */
    private final Map<String, String> delegations;
    private int serial = 1;

    private KnotDns(Process process, int port, Path log, Path dir, Map<String, String> delegations) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.dir = dir;
        this.delegations = delegations;
    }

    static Path binary(String name) {
        Optional<Path> found = Stream.concat(
                Stream.of(System.getenv().getOrDefault("PATH", "").split(":")).map(Path::of),
                Stream.of(Path.of("/usr/sbin"), Path.of("/usr/local/sbin")))
            .map(dir -> dir.resolve(name)).filter(Files::isExecutable).findFirst();
        if (found.isEmpty()) {
            String message = name + " (Knot DNS) not found: install it with `sudo bash .ci/setup/dns.sh` (Debian package knot) "
                + "to run the mailhook doctor tests against a real authoritative DNS server";
            if (Boolean.getBoolean("mailhook.services.required")) {
                Assertions.fail(message);
            }
            Assumptions.abort(message);
        }
        return found.get();
    }

    public static KnotDns start(Path dir, List<Zone> zones) throws IOException, InterruptedException {
        Path knotd = binary("knotd");
        Path keymgr = binary("keymgr");
        int port = freePort();
        Path config = dir.resolve("knot.conf");
        Files.writeString(config, config(dir, port, zones));
        Map<String, StringBuilder> texts = new LinkedHashMap<>();
        for (Zone zone : zones) {
            texts.put(zone.name(), new StringBuilder());
        }
        for (Zone zone : zones) {
            Optional<Zone> parent = parent(zone, zones);
            if (parent.isEmpty()) {
                continue;
            }
            StringBuilder parentText = texts.get(parent.get().name());
            parentText.append(zone.name()).append(". NS ").append(NAME_SERVER).append('\n');
            if (zone.signed()) {
                run(dir, keymgr.toString(), "-c", config.toString(), zone.name() + ".", "generate",
                    "algorithm=ecdsap256sha256", "ksk=yes", "zsk=yes");
                String ds = run(dir, keymgr.toString(), "-c", config.toString(), zone.name() + ".", "ds");
                ds.lines().filter(l -> l.contains(" DS ")).forEach(l -> parentText.append(l).append('\n'));
            }
        }
        Map<String, String> delegations = new LinkedHashMap<>();
        texts.forEach((name, text) -> delegations.put(name, text.toString()));
        for (Zone zone : zones) {
            writeZone(dir, zone, delegations.get(zone.name()), 1);
        }
        Path log = dir.resolve("knotd.log");
        Process process = new ProcessBuilder(knotd.toString(), "-c", config.toString())
            .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        KnotDns server = new KnotDns(process, port, log, dir, delegations);
        server.awaitServing(zones);
        return server;
    }

    private static void writeZone(Path dir, Zone zone, String delegations, int serial) throws IOException {
        Files.writeString(dir.resolve(zone.name() + ".zone"), "$ORIGIN " + zone.name() + ".\n$TTL 3600\n"
            + "@ SOA " + NAME_SERVER + " hostmaster.example.com. " + serial + " 3600 600 86400 300\n"
            + "@ NS " + NAME_SERVER + "\n" + zone.records() + "\n" + delegations);
    }

    /**
     * Replaces the records of a zone this server was started with (an unsigned one) while it runs: the zone
     * file is rewritten with a higher serial and reloaded with knotc; returns once the new serial is served.
     */
    public void replace(Zone zone) throws IOException, InterruptedException {
        if (!delegations.containsKey(zone.name()) || zone.signed()) {
            throw new IllegalArgumentException(zone.name() + " is not an unsigned zone of this server");
        }
        serial++;
        writeZone(dir, zone, delegations.get(zone.name()), serial);
        run(dir, binary("knotc").toString(), "-c", dir.resolve("knot.conf").toString(), "-b", "zone-reload", zone.name() + ".");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (servedSerial(zone.name()) == serial) {
                return;
            }
            Thread.sleep(100);
        }
        Assertions.fail("knotd did not serve serial " + serial + " of " + zone.name() + " within 20 s:\n" + Files.readString(log));
    }

    /** The serial knotd serves, from {@code knotc zone-status} (no dnsjava types: the server's tests see them shaded). */
    private long servedSerial(String zone) throws IOException, InterruptedException {
        String status = run(dir, binary("knotc").toString(), "-c", dir.resolve("knot.conf").toString(), "zone-status", zone + ".");
        Matcher serial = Pattern.compile("serial: (\\d+)").matcher(status);
        return serial.find() ? Long.parseLong(serial.group(1)) : -1;
    }

    /** "127.0.0.1:PORT", as {@code --resolver} takes it. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    /** The server as dnsjava talks to it. */
    public SimpleResolver resolver() {
        SimpleResolver resolver = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
        resolver.setTimeout(Duration.ofSeconds(3));
        return resolver;
    }

    public DoctorDns dns() {
        return DoctorDns.at(address(), Duration.ofSeconds(3));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private void awaitServing(List<Zone> zones) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                Assertions.fail("knotd exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            if (zones.stream().allMatch(this::serves)) {
                return;
            }
            Thread.sleep(100);
        }
        close();
        Assertions.fail("knotd did not serve every zone within 20 s:\n" + Files.readString(log));
    }

    private boolean serves(Zone zone) {
        try {
            DoctorDns.Answer soa = DoctorDns.at(address(), Duration.ofMillis(300)).query(zone.name(), Type.SOA);
            return soa.has(Type.SOA) && (!zone.signed() || soa.has(Type.RRSIG));
        } catch (DoctorDns.DnsFailure e) {
            return false;
        }
    }

    private static Optional<Zone> parent(Zone zone, List<Zone> zones) {
        return zones.stream().filter(z -> zone.name().endsWith("." + z.name()))
            .max(Comparator.comparingInt(z -> z.name().length()));
    }

    private static String config(Path dir, int port, List<Zone> zones) {
        StringBuilder config = new StringBuilder("""
            server:
                rundir: "%1$s"
                listen: 127.0.0.1@%2$d
            database:
                storage: "%1$s"
                kasp-db: "%1$s/keys"
            log:
              - target: stderr
                any: info
            policy:
              - id: manual
                manual: on
                single-type-signing: on
                algorithm: ecdsap256sha256
            template:
              - id: default
                storage: "%1$s"
                semantic-checks: off
                zonefile-sync: -1
                zonefile-load: whole
                journal-content: none
            zone:
            """.formatted(dir, port));
        for (Zone zone : zones) {
            config.append("  - domain: ").append(zone.name()).append("\n    file: ").append(zone.name()).append(".zone\n");
            if (zone.signed()) {
                config.append("    dnssec-signing: on\n    dnssec-policy: manual\n");
            }
        }
        return config.toString();
    }

    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            Assertions.fail(String.join(" ", command) + " failed:\n" + output);
        }
        return output;
    }

    /** A port free for both UDP and TCP on 127.0.0.1 (knotd listens on both). */
    private static int freePort() throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        List<String> tried = new ArrayList<>();
        for (int attempt = 0; attempt < 20; attempt++) {
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
                int port = udp.getLocalPort();
                try (ServerSocket tcp = new ServerSocket(port, 1, loopback)) {
                    return port;
                } catch (IOException e) {
                    tried.add(String.valueOf(port));
                }
            }
        }
        throw new IOException("no port free for both UDP and TCP on 127.0.0.1 (tried " + tried + ")");
    }
}
