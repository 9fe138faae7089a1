package org.mailhook.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.random.RandomGenerator;

import org.mailhook.auth.AuthResult;
import org.mailhook.auth.AuthenticationReport;
import org.mailhook.auth.Authenticator;
import org.mailhook.auth.dmarc.FixedDraw;
import org.mailhook.dns.DnsJavaResolver;
import org.mailhook.dns.DnsResolver;
import org.mailhook.dns.JsonFileResolver;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.net.InetAddresses;

/** {@code mailhook verify}: SPF, DKIM, DMARC and ARC for one message file, as the Authenticate mailet does. */
public final class VerifyCommand implements Command {

    @Override
    public String name() {
        return "verify";
    }

    @Override
    public String summary() {
        return "authenticate a message file (SPF, DKIM, DMARC, ARC) and print the results";
    }

    @Override
    public String help() {
        return """
            Usage: mailhook verify FILE.eml --ip IP [--helo HOST] [--mail-from ADDR] [--dns DNS.json]
                                   [--now EPOCH] [--authserv-id ID] [--trusted-arc-sealer DOMAIN ...]
                                   [--sample N] [--timeout-ms MS] [--header]

            Prints the result JSON (the "auth" object of the message JSON) and nothing else, so the output
            can be piped to jq; its "authenticationResults" field is the value of the Authentication-Results
            header the Authenticate mailet would add. With --header, prints only that header field instead
            (folded as the mailet adds it).
            Exit code 1 when DMARC fails.

            Options:
              --ip IP              the SMTP client address the message came from (required)
              --helo HOST          the HELO/EHLO name (used by SPF for the null sender)
              --mail-from ADDR     the SMTP MAIL FROM address; omit or "" for the null sender
              --dns FILE           answer DNS from a DNS.json file instead of live DNS:
                                   {"name": {"TXT": [["chunk", ...] or "text"], "A": [...], "AAAA": [...],
                                    "MX": [{"priority": 10, "exchange": "mx.example"}], "PTR": [...],
                                    "CNAME": [...], "TIMEOUT": true}}; a missing name is NXDOMAIN
              --now EPOCH          verify as of this Unix time (DKIM x= expiry), default now
              --authserv-id ID     the name in Authentication-Results (default mailhook)
              --trusted-arc-sealer DOMAIN
                                   an ARC sealer whose recorded dmarc=pass overrides a DMARC fail (repeatable)
              --sample N           the 0-99 draw for DMARC pct= sampling (default random)
              --timeout-ms MS      live DNS timeout per query (default 5000)
              --header             print only the "Authentication-Results: ..." header field instead of the JSON

            Example:
              mailhook verify message.eml --dns dns.json --ip 192.0.2.7 --helo mail.example.com \\
                --mail-from bounce@example.com --now 1528637909 | jq .dmarc.result""";
    }

    @Override
    public int run(List<String> argv, Console console) throws Exception {
        Args args = Args.parse(argv, Set.of("ip", "helo", "mail-from", "dns", "now", "authserv-id",
            "trusted-arc-sealer", "sample", "timeout-ms"), Set.of("header"));
        if (args.positionals().size() != 1) {
            throw new UsageException("expected one message file, got " + args.positionals().size());
        }
        byte[] message = read(Path.of(args.positionals().get(0)));
        String ipText = args.required("ip");
        if (!InetAddresses.isInetAddress(ipText)) {
            throw new UsageException("--ip must be an IPv4 or IPv6 address, got '" + ipText + "'");
        }
        InetAddress ip = InetAddresses.forString(ipText);
        Clock clock = Clock.systemUTC();
        Optional<String> now = args.option("now");
        if (now.isPresent()) {
            try {
                clock = Clock.fixed(Instant.ofEpochSecond(Long.parseLong(now.get().strip())), ZoneOffset.UTC);
            } catch (NumberFormatException e) {
                throw new UsageException("--now must be a Unix time in seconds, got '" + now.get() + "'");
            }
        }
        int sample = args.intOption("sample", -1);
        if (sample > 99) {
            throw new UsageException("--sample must be 0 to 99");
        }
        RandomGenerator random = sample < 0 ? new Random() : new FixedDraw(sample);
        Authenticator authenticator = new Authenticator(resolver(args), clock, random,
            args.option("authserv-id").orElse("mailhook"), new LinkedHashSet<>(args.options("trusted-arc-sealer")));
        AuthenticationReport report = authenticator.authenticate(message, ip, args.option("helo").orElse(""),
            args.option("mail-from").orElse(""));
        if (args.has("header")) {
            console.out().println("Authentication-Results: " + report.authenticationResults());
        } else {
            ObjectMapper mapper = new ObjectMapper();
            console.out().println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(mapper.readTree(report.toJson())));
        }
        return report.dmarc().result() == AuthResult.FAIL ? FINDING : OK;
    }

    private static DnsResolver resolver(Args args) throws UsageException {
        Optional<String> file = args.option("dns");
        if (file.isPresent()) {
            try {
                return JsonFileResolver.read(Path.of(file.get()));
            } catch (IOException | IllegalArgumentException e) {
                throw new UsageException("cannot read DNS file " + file.get() + ": " + e.getMessage(), e);
            }
        }
        try {
            return new DnsJavaResolver(Duration.ofMillis(args.intOption("timeout-ms", 5000)));
        } catch (UnknownHostException e) {
            throw new UsageException("no usable DNS resolver: " + e.getMessage(), e);
        }
    }

    private static byte[] read(Path file) throws UsageException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UsageException("no such file: " + file);
        } catch (IOException e) {
            throw new UsageException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
