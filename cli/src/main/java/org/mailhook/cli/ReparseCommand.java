package org.mailhook.cli;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code mailhook reparse}: asks a running server's WebAdmin to reparse archived mails with its current code
 * ({@code POST /mailhook/messages/{id}/reparse} or {@code POST /mailhook/messages/reparse}) and prints its answer.
 */
public final class ReparseCommand implements Command {
    static final String TOKEN_ENV = "MAILHOOK_WEBADMIN_TOKEN";

    @Override
    public String name() {
        return "reparse";
    }

    @Override
    public String summary() {
        return "reparse archived mails on a running server (new revision + message.updated when changed)";
    }

    @Override
    public String help() {
        return """
            Usage: mailhook reparse ID [ID ...] [--reverify] [--url URL] [--token JWT]
                   mailhook reparse --since ISO [--until ISO] [--reverify] [--url URL] [--token JWT]

            Runs parsing, attachment classification and (when on) spam scoring again on the stored raw MIME of
            archived mails, with the server's current code. A changed document becomes the mail's next revision
            and a signed message.updated webhook (same idempotency key, new revision) to the endpoints that
            received it; an unchanged one sends nothing. Prints the server's JSON answer.
            Exit code 1 when the server refuses (the answer says why).

            Options:
              ID                  an archive key (m…) or mailhook id (mh1_…); several: one request for all
              --since ISO         mails archived at or after this instant (e.g. 2026-12-01T00:00:00Z)
              --until ISO         mails archived before this instant
              --reverify          take SPF, DKIM, DMARC and ARC again (kept from receipt otherwise)
              --url URL           WebAdmin (default http://127.0.0.1:8000)
              --token JWT         WebAdmin token (default: the environment variable MAILHOOK_WEBADMIN_TOKEN)
            """;
    }

    @Override
    public int run(List<String> argv, Console console) throws Exception {
        Args args = Args.parse(argv, Set.of("since", "until", "url", "token"), Set.of("reverify"));
        URI uri = URI.create(args.option("url").orElse("http://127.0.0.1:8000").replaceAll("/+$", "") + path(args));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10))
            .POST(HttpRequest.BodyPublishers.noBody());
        Optional<String> token = args.option("token").or(() -> Optional.ofNullable(System.getenv(TOKEN_ENV)).filter(t -> !t.isBlank()));
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
            .send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        (response.statusCode() / 100 == 2 ? console.out() : console.err()).println(response.body());
        return response.statusCode() / 100 == 2 ? OK : FINDING;
    }

    /** The WebAdmin path and query this invocation asks for. */
    static String path(Args args) throws UsageException {
        List<String> ids = args.positionals();
        List<String> query = new ArrayList<>();
        if (args.has("reverify")) {
            query.add("reverify=true");
        }
        args.option("since").ifPresent(since -> query.add("since=" + encode(since)));
        args.option("until").ifPresent(until -> query.add("until=" + encode(until)));
        if (ids.isEmpty() && query.stream().noneMatch(q -> q.startsWith("since=") || q.startsWith("until="))) {
            throw new UsageException("give an archive key or mailhook id, or --since/--until");
        }
        String base = "/mailhook/messages";
        if (ids.size() == 1 && !args.option("since").isPresent() && !args.option("until").isPresent()) {
            base += "/" + encode(ids.get(0)) + "/reparse";
        } else {
            base += "/reparse";
            if (!ids.isEmpty()) {
                query.add(0, "ids=" + encode(String.join(",", ids)));
            }
        }
        return query.isEmpty() ? base : base + "?" + String.join("&", query);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
