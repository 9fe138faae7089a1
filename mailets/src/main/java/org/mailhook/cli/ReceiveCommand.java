package org.mailhook.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
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
            Usage: mailhook receive --secret whsec_... [--port P] [--host H] [--out DIR] [--quiet]

            Listens for webhook POSTs, verifies the Standard Webhooks signature over the raw body
            (webhook-id, webhook-timestamp, webhook-signature; 5 minutes tolerance), answers 204 to a
            valid delivery and 401 to an invalid one, and prints each delivery.

            Options:
              --secret S   the endpoint secret, whsec_... (or set MAILHOOK_WEBHOOK_SECRET)
              --port P     port to listen on (default 8025)
              --host H     address to bind (default 127.0.0.1)
              --out DIR    also write each verified payload to DIR/<webhook-id>.json
              --quiet      print one line per delivery, not the payload

            Example:
              mailhook receive --port 8025 --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw --out /tmp/hooks""";
    }

    @Override
    public int run(List<String> argv, Console console) throws Exception {
        Args args = Args.parse(argv, Set.of("secret", "port", "host", "out"), Set.of("quiet"));
        if (!args.positionals().isEmpty()) {
            throw new UsageException("unexpected argument '" + args.positionals().get(0) + "'");
        }
        String secretText = args.option("secret").or(() -> Optional.ofNullable(System.getenv("MAILHOOK_WEBHOOK_SECRET")))
            .orElseThrow(() -> new UsageException("missing --secret (or MAILHOOK_WEBHOOK_SECRET)"));
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
}
