package org.mailhook.server.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A RabbitMQ broker of the test's own (Debian's rabbitmq-server, installed by .ci/setup/rabbitmq.sh),
 * on free loopback ports with its database, logs, Erlang cookie and epmd in a directory of its own, so
 * tests can stop and restart it without touching any other broker on the machine. Every listener
 * (AMQP, management, Erlang distribution, epmd) is bound to 127.0.0.1.
 */
final class RabbitMqBroker implements AutoCloseable {
    private static final Path SERVER = Path.of("/usr/lib/rabbitmq/bin/rabbitmq-server");
    private static final Path EPMD = Path.of("/usr/bin/epmd");
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(2);

    private final Path dir;
    private final int amqpPort;
    private final int managementPort;
    private final int distributionPort;
    private final int epmdPort;
    private final HttpClient http = HttpClient.newHttpClient();
    private Process process;

    private RabbitMqBroker(Path dir) throws IOException {
        this.dir = dir;
        this.amqpPort = ServerProcess.freePort();
        this.managementPort = ServerProcess.freePort();
        this.distributionPort = ServerProcess.freePort();
        this.epmdPort = ServerProcess.freePort();
    }

    /** Starts a broker in {@code dir}; aborts the test when rabbitmq-server is absent, fails when services are required. */
    static RabbitMqBroker start(Path dir) throws Exception {
        if (!Files.isExecutable(SERVER)) {
            String message = "rabbitmq-server is not installed (" + SERVER + "): run .ci/setup/rabbitmq.sh";
            if (Boolean.getBoolean("mailhook.services.required")) {
                Assertions.fail(message);
            }
            Assumptions.abort(message);
        }
        RabbitMqBroker broker = new RabbitMqBroker(dir);
        broker.launch();
        return broker;
    }

    String amqpUri() {
        return "amqp://guest:guest@127.0.0.1:" + amqpPort;
    }

    String managementUri() {
        return "http://127.0.0.1:" + managementPort;
    }

    /** The environment that points a rabbitmq-flavoured Mailhook server at this broker. */
    Map<String, String> serverEnv() {
        return Map.of(
            "MAILHOOK_QUEUE", "rabbitmq",
            "MAILHOOK_RABBITMQ_URI", amqpUri(),
            "MAILHOOK_RABBITMQ_MANAGEMENT_URI", managementUri());
    }

    private void launch() throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("rabbitmq.conf"), String.join("\n",
            "listeners.tcp.default = 127.0.0.1:" + amqpPort,
            "management.tcp.ip = 127.0.0.1",
            "management.tcp.port = " + managementPort,
            "loopback_users = none",
            ""));
        Files.writeString(dir.resolve("enabled_plugins"), "[rabbitmq_management].\n");
        ProcessBuilder builder = new ProcessBuilder(SERVER.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.out").toFile()));
        builder.environment().putAll(env());
        Instant started = Instant.now();
        process = builder.start();
        Instant deadline = started.plus(STARTUP_TIMEOUT);
        while (!managementAnswers()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("rabbitmq-server exited with " + process.exitValue() + ":\n" + tail());
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("rabbitmq-server did not answer within " + STARTUP_TIMEOUT + ":\n" + tail());
            }
            Thread.sleep(250);
        }
        System.out.printf("RABBITMQ broker up in %d ms (amqp %d, management %d)%n",
            Duration.between(started, Instant.now()).toMillis(), amqpPort, managementPort);
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", dir.toString());
        env.put("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq.conf").toString());
        env.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
        env.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
        env.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
        env.put("RABBITMQ_NODENAME", "mailhook-test-" + amqpPort + "@localhost");
        env.put("RABBITMQ_DIST_PORT", Integer.toString(distributionPort));
        env.put("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1}");
        env.put("ERL_EPMD_PORT", Integer.toString(epmdPort));
        env.put("ERL_EPMD_ADDRESS", "127.0.0.1");
        return env;
    }

    private boolean managementAnswers() {
        try {
            return http.send(request("/api/overview").build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A management API GET, e.g. {@code /api/queues}; the body as text. */
    String get(String path) throws IOException, InterruptedException {
        return http.send(request(path).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(managementUri() + path))
            .timeout(Duration.ofSeconds(5))
            .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8)));
    }

    /** Stops the broker (as an operator's restart does) and starts it again on the same ports and data. */
    void restart() throws Exception {
        stop();
        launch();
    }

    private void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        // The start script runs the Erlang VM as a child: stop the whole tree and wait for the ports to close.
        List<ProcessHandle> tree = process.descendants().toList();
        tree.forEach(ProcessHandle::destroy);
        process.destroy();
        for (ProcessHandle handle : tree) {
            handle.onExit().orTimeout(60, TimeUnit.SECONDS).exceptionally(e -> {
                handle.destroyForcibly();
                return handle;
            }).join();
        }
        process.waitFor(30, TimeUnit.SECONDS);
        process = null;
    }

    /** The Erlang VM's pid (the start script runs it as a child), for tracing the broker's own writes. */
    long vmPid() {
        return process.descendants().filter(handle -> handle.info().command().orElse("").contains("beam"))
            .findFirst().orElseThrow(() -> new IllegalStateException("no Erlang VM under rabbitmq-server")).pid();
    }

    String tail() {
        try {
            String out = Files.readString(dir.resolve("broker.out"));
            return out.length() > 4000 ? out.substring(out.length() - 4000) : out;
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    @Override
    public void close() throws Exception {
        stop();
        // epmd was started for this broker on its own port: stop it too.
        if (Files.isExecutable(EPMD)) {
            Process kill = new ProcessBuilder(EPMD.toString(), "-port", Integer.toString(epmdPort), "-kill")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            kill.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
