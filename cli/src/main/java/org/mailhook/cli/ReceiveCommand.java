package org.mailhook.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import org.mailhook.webhook.WebhookSecret;

/** {@code mailhook receive}: the demo webhook receiver on its own. */
public final class ReceiveCommand implements Command {

    @Override
    public String name() {
        return "receive";
    }

    @Override
    public String summary() {
        return "run a demo webhook receiver that verifies signatures and prints deliveries";
    }

    @Override
    public String help() {
        return """
            Usage: mailhook receive [--secret-file FILE] [--port P] [--host H] [--out DIR] [--quiet]

            Listens for webhook POSTs, verifies the Standard Webhooks signature over the raw body
            (webhook-id, webhook-timestamp, webhook-signature; 5 minutes tolerance), answers 204 to a
            valid delivery and 401 to an invalid one, and prints each delivery.

            Options:
              --secret-file FILE  read the endpoint secret (whsec_...) from FILE
                           (without it: the environment variable MAILHOOK_WEBHOOK_SECRET)
              --secret S   the secret on the command line: discouraged, every user of the
                           machine sees it in ps; still accepted, with a warning
              --port P     port to listen on (default 8025)
              --host H     address to bind (default 127.0.0.1)
              --out DIR    also write each verified payload to DIR/<webhook-id>.json
              --quiet      print one line per delivery, not the payload

            Example:
              MAILHOOK_WEBHOOK_SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw mailhook receive --port 8025 --out /tmp/hooks
              mailhook receive --secret-file /run/secrets/mailhook-webhook --port 8025

            Request bodies above 50 MB are refused with 413.""";
    }

    @Override
    public int run(List<String> argv, Console console) throws Exception {
        Args args = Args.parse(argv, Set.of("secret", "secret-file", "port", "host", "out"), Set.of("quiet"));
        if (!args.positionals().isEmpty()) {
            throw new UsageException("unexpected argument '" + args.positionals().get(0) + "'");
        }
        String secretText = secretText(args, System.getenv(), console.err());
        WebhookSecret secret;
        try {
            secret = WebhookSecret.parse(secretText);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        int port = args.intOption("port", 8025);
        String host = args.option("host").orElse("127.0.0.1");
        Optional<Path> out = args.option("out").map(Path::of);
        try (DemoReceiver receiver = DemoReceiver.start(host, port, secret, out, !args.has("quiet"), console.out(), Clock.systemUTC())) {
            console.err().println("mailhook receive: listening on http://" + host + ":" + receiver.port() + "/ (Ctrl-C stops)");
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
            stopped.await();
        }
        return OK;
    }

    /**
     * The secret from {@code --secret-file}, else {@code --secret} (with a warning: it shows in {@code ps}),
     * else {@code MAILHOOK_WEBHOOK_SECRET}. Never echoes the secret.
     */
    static String secretText(Args args, Map<String, String> env, PrintStream err) throws UsageException {
        Optional<String> file = args.option("secret-file");
        Optional<String> inline = args.option("secret");
        if (file.isPresent() && inline.isPresent()) {
            throw new UsageException("give --secret-file or --secret, not both");
        }
        if (file.isPresent()) {
            String text;
            try {
                text = Files.readString(Path.of(file.get()), StandardCharsets.UTF_8).strip();
            } catch (IOException | RuntimeException e) {
                throw new UsageException("cannot read --secret-file " + file.get() + ": " + e.getClass().getSimpleName(), e);
            }
            if (text.isEmpty()) {
                throw new UsageException("--secret-file " + file.get() + " is empty");
            }
            return text;
        }
        if (inline.isPresent()) {
            err.println("mailhook receive: warning: --secret shows the secret to every user of this machine (ps, /proc);"
                + " use --secret-file FILE or MAILHOOK_WEBHOOK_SECRET");
            return inline.get();
        }
        String fromEnv = env.get("MAILHOOK_WEBHOOK_SECRET");
        if (fromEnv == null || fromEnv.isBlank()) {
            throw new UsageException("missing secret: set MAILHOOK_WEBHOOK_SECRET or give --secret-file FILE");
        }
        return fromEnv.strip();
    }
}
