package org.mailhook.cli;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import com.google.common.net.InternetDomainName;

import org.mailhook.doctor.Doctor;
import org.mailhook.dns.DnsResolver;
import org.mailhook.doctor.DoctorDns;
import org.mailhook.doctor.DoctorRequest;
import org.mailhook.doctor.Finding;
import org.mailhook.doctor.ProbeSettings;
import org.mailhook.doctor.Report;

/** {@code mailhook doctor DOMAIN}: DNS and transport checks for reliable receipt (see docs/doctor.md). */
public final class DoctorCommand implements Command {

    @Override
    public String name() {
        return "doctor";
    }

    @Override
    public String summary() {
        return "check a domain's MX, targets, SMTP/TLS, MTA-STS, TLS-RPT, SPF, DMARC, DKIM and DNSSEC";
    }

    @Override
    public String help() {
        return """
            Usage: mailhook doctor DOMAIN [--resolver IP[:PORT]] [--json] [--expect-mx HOST]...
                                          [--dkim-selector S]... [--probe] [--smtp-port N] [--timeout SECONDS]

            Checks that DOMAIN can receive mail reliably and explains each finding (pass, warn or fail,
            with one line of advice): MX records (count, preferences, failure domains, CNAME/IP-literal
            targets, null MX, TTL), MX targets (A/AAAA, PTR, forward-confirmed reverse DNS), MTA-STS and
            TLS-RPT records, SPF (syntax, 10-lookup limit, all), DMARC (record, policy, reports and their
            authorization), DKIM keys of the given selectors, and DNSSEC (DS at the parent, signatures,
            AD bit of a validating resolver). Read-only: it never sends mail.

            Options:
              --resolver IP[:PORT]   ask this DNS server (default: the first one in /etc/resolv.conf)
              --json                 print the report as JSON
              --expect-mx HOST       the MX hosts there should be (repeat or comma-separate); differences fail
              --dkim-selector S      check the DKIM key at S._domainkey.DOMAIN (repeat or comma-separate)
              --probe                also connect to every MX address on port 25 (banner, STARTTLS,
                                     certificate name, expiry, trust) and fetch the MTA-STS policy over HTTPS
              --smtp-port N          SMTP port for --probe (default 25)
              --https-port N         HTTPS port of the MTA-STS policy host for --probe (default 443)
              --timeout SECONDS      timeout of each DNS query and probe connection (default 10)

            Exit codes: 0 no check failed (warnings allowed), 1 a check failed, 2 bad usage or the
            resolver could not answer.

            Examples:
              mailhook doctor example.com --dkim-selector s2026 --probe
              mailhook doctor example.com --resolver 9.9.9.9 --expect-mx mx1.example.com,mx2.example.com --json""";
    }

    @Override
    public int run(List<String> argv, Console console) throws Exception {
        Args args = Args.parse(argv, Set.of("resolver", "expect-mx", "dkim-selector", "smtp-port", "https-port", "timeout"),
            Set.of("json", "probe"));
        if (args.positionals().size() != 1) {
            throw new UsageException(args.positionals().isEmpty() ? "missing DOMAIN" : "expected one DOMAIN, got " + args.positionals());
        }
        String domain = DnsResolver.normalize(args.positionals().get(0));
        if (!InternetDomainName.isValid(domain)) {
            throw new UsageException("'" + domain + "' is not a domain name");
        }
        int timeoutSeconds = positive(args, "timeout", 10);
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        DoctorDns dns;
        try {
            dns = args.option("resolver").map(r -> DoctorDns.at(r, timeout)).orElseGet(() -> DoctorDns.system(timeout));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--resolver: " + e.getMessage());
        }
        ProbeSettings probe = new ProbeSettings(positive(args, "smtp-port", 25), positive(args, "https-port", 443), timeout,
            ProbeSettings.systemTrust());
        DoctorRequest request = new DoctorRequest(domain, list(args, "expect-mx"), list(args, "dkim-selector"), args.has("probe"));
        Report report;
        try {
            report = new Doctor(dns, Clock.systemUTC(), probe, line -> console.err().println("mailhook doctor: " + line)).examine(request);
        } catch (DoctorDns.DnsFailure e) {
            throw new UsageException(e.getMessage(), e);
        }
        console.out().print(args.has("json") ? report.toJson() + System.lineSeparator() : report.toText());
        return report.worst() == Finding.Status.FAIL ? FINDING : OK;
    }

    private static List<String> list(Args args, String option) {
        return args.options(option).stream().flatMap(v -> Arrays.stream(v.split(","))).map(String::strip)
            .filter(v -> !v.isEmpty()).toList();
    }

    private static int positive(Args args, String option, int defaultValue) throws UsageException {
        int value = args.intOption(option, defaultValue);
        if (value < 1 || value > 65535) {
            throw new UsageException("--" + option + " must be between 1 and 65535, got " + value);
        }
        return value;
    }
}
