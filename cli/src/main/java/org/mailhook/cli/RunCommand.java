package org.mailhook.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.mailhook.webhook.WebhookSecret;

/**
 * {@code mailhook run}: James with the demo pipeline plus the demo receiver, on loopback. The server
 * runs as a child process ({@code bin/mailhook-server}) configured through environment variables;
 * the receiver runs here. Ctrl-C stops both.
 */
public final class RunCommand implements Command {
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(3);

    @Override
    public String name() {
        return "run";
    }

    @Override
    public String summary() {
        return "start James with the demo pipeline and a demo webhook receiver (Ctrl-C stops)";
    }

    @Override
    public String help() {
        return """
            Usage: mailhook run [--smtp-port P] [--webadmin-port P] [--receiver-port P] [--data DIR] [--domain D]

            Starts James 3.8.1 with the Mailhook pipeline (durable queues, data under DIR) and a demo
            webhook receiver that verifies each delivery's signature and prints it. Everything listens
            on 127.0.0.1. Ctrl-C stops both cleanly.

            Options (environment variable in brackets):
              --smtp-port P      SMTP port (MAILHOOK_SMTP_PORT, default 2525)
              --webadmin-port P  WebAdmin port (MAILHOOK_WEBADMIN_PORT, default 8000)
              --receiver-port P  demo receiver port (MAILHOOK_RECEIVER_PORT, default 8025)
              --data DIR         data directory (MAILHOOK_DATA_DIR, default <server folder>/data)
              --domain D         the domain mail is received for (MAILHOOK_DOMAIN, default inbound.localhost)
            The webhook secret is MAILHOOK_WEBHOOK_SECRET, or a fresh one per run.

            Example:
              mailhook run
              swaks --server 127.0.0.1:2525 --to anything@inbound.localhost""";
    }

    @Override
    public int run(List<String> argv, Console console) throws Exception {
        Args args = Args.parse(argv, Set.of("smtp-port", "webadmin-port", "receiver-port", "data", "domain"), Set.of());
        if (!args.positionals().isEmpty()) {
            throw new UsageException("unexpected argument '" + args.positionals().get(0) + "'");
        }
        Map<String, String> env = System.getenv();
        int smtpPort = port(args, "smtp-port", env, "MAILHOOK_SMTP_PORT", 2525);
        int webadminPort = port(args, "webadmin-port", env, "MAILHOOK_WEBADMIN_PORT", 8000);
        int receiverPort = port(args, "receiver-port", env, "MAILHOOK_RECEIVER_PORT", 8025);
        String domain = args.option("domain").orElse(env.getOrDefault("MAILHOOK_DOMAIN", "inbound.localhost"));
        Path home = Path.of(Optional.ofNullable(System.getProperty("mailhook.home"))
            .orElseThrow(() -> new UsageException("mailhook.home is not set: start this through bin/mailhook")));
        Path data = Path.of(args.option("data").orElse(env.getOrDefault("MAILHOOK_DATA_DIR", home.resolve("data").toString())));
        String secretText = Optional.ofNullable(env.get("MAILHOOK_WEBHOOK_SECRET")).filter(s -> !s.isBlank())
            .orElseGet(() -> WebhookSecret.generate(new SecureRandom()));
        WebhookSecret secret;
        try {
            secret = WebhookSecret.parse(secretText);
        } catch (IllegalArgumentException e) {
            throw new UsageException("MAILHOOK_WEBHOOK_SECRET: " + e.getMessage());
        }
        for (int port : new int[] {smtpPort, webadminPort, receiverPort}) {
            if (listening(port)) {
                throw new UsageException("port " + port + " on 127.0.0.1 is already in use (another mailhook run?); "
                    + "choose other ports with --smtp-port/--webadmin-port/--receiver-port");
            }
        }

        DemoReceiver receiver = DemoReceiver.start("127.0.0.1", receiverPort, secret, Optional.empty(), true,
            console.out(), Clock.systemUTC());
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/mailhook-server").toString()).inheritIO();
        builder.environment().put("MAILHOOK_SMTP_PORT", Integer.toString(smtpPort));
        builder.environment().put("MAILHOOK_WEBADMIN_PORT", Integer.toString(webadminPort));
        builder.environment().put("MAILHOOK_DOMAIN", domain);
        builder.environment().put("MAILHOOK_DATA_DIR", data.toAbsolutePath().toString());
        builder.environment().put("MAILHOOK_WEBHOOK_URL", "http://127.0.0.1:" + receiverPort + "/webhook");
        builder.environment().put("MAILHOOK_WEBHOOK_SECRET", secretText);
        // The one opt-in that ships: the demo's receiver is on loopback, which the server refuses by default.
        builder.environment().put("MAILHOOK_WEBHOOK_ALLOW_LOOPBACK", "true");
        Files.createDirectories(data);
        console.err().println("mailhook run: starting James (data in " + data.toAbsolutePath() + ") ...");
        Process server = builder.start();
        Thread stopper = new Thread(() -> stop(server, receiver));
        Runtime.getRuntime().addShutdownHook(stopper);

        Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
        while (!listening(smtpPort)) {
            if (!server.isAlive()) {
                console.err().println("mailhook run: James exited with code " + server.exitValue() + " during startup (see above)");
                receiver.close();
                return FINDING;
            }
            if (Instant.now().isAfter(deadline)) {
                console.err().println("mailhook run: James did not open SMTP port " + smtpPort + " within " + STARTUP_TIMEOUT.toMinutes() + " minutes");
                return FINDING;
            }
            Thread.sleep(200);
        }
        console.out().printf("""

            Mailhook is running.
              SMTP      127.0.0.1:%d   (mail for any address @%s)
              WebAdmin  http://127.0.0.1:%d/
              Receiver  http://127.0.0.1:%d/webhook   (verifies signatures, prints each delivery)
            Send a mail:
              swaks --server 127.0.0.1:%d --to anything@%s
            Ctrl-C stops.

            """, smtpPort, domain, webadminPort, receiverPort, smtpPort, domain);
        console.out().flush();
        int exit = server.waitFor();
        receiver.close();
        return exit == 0 || exit == 143 || exit == 130 ? OK : FINDING;
    }

    private static void stop(Process server, DemoReceiver receiver) {
        if (server.isAlive()) {
            server.destroy();
            try {
                if (!server.waitFor(30, TimeUnit.SECONDS)) {
                    server.destroyForcibly();
                }
            } catch (InterruptedException e) {
                server.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        receiver.close();
    }

    private static int port(Args args, String option, Map<String, String> env, String variable, int defaultPort) throws UsageException {
        String text = args.option(option).orElse(env.getOrDefault(variable, Integer.toString(defaultPort)));
        try {
            int port = Integer.parseInt(text.trim());
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + option + " (" + variable + ") must be a port number, got '" + text + "'");
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
