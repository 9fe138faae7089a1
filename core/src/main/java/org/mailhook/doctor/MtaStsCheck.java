package org.mailhook.doctor;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import org.mailhook.auth.dkim.TagList;
import org.mailhook.dns.DnsResolver;
import org.mailhook.doctor.DoctorDns.DnsFailure;

/**
 * MTA-STS (RFC 8461): the {@code _mta-sts} TXT record (3.1) and, with {@code --probe}, the HTTPS
 * policy (3.2): version, mode, max_age and {@code mx:} patterns that cover every MX host (4.1).
 */
final class MtaStsCheck {
    static final long MAX_AGE_LIMIT = 31_557_600;
    static final long MIN_USEFUL_MAX_AGE = 86_400;
    private static final int MAX_POLICY_BYTES = 64 * 1024;

    /** A parsed policy: keys with one value each, the mx patterns, and what was wrong with it. */
    record Policy(Map<String, String> fields, List<String> mx, List<String> problems) {
    }

    private final DoctorDns dns;
    private final ProbeSettings settings;
    private final Consumer<String> progress;

    MtaStsCheck(DoctorDns dns, ProbeSettings settings, Consumer<String> progress) {
        this.dns = dns;
        this.settings = settings;
        this.progress = progress;
    }

    List<Finding> check(String domain, List<String> mxHosts, boolean probe) {
        String name = "_mta-sts." + domain;
        List<String> records;
        try {
            records = dns.txt(name).stream().filter(t -> t.startsWith("v=STSv1")).toList();
        } catch (DnsFailure e) {
            return List.of(Finding.warn("mta-sts.record", name, "lookup failed: " + e.getMessage(), "make sure the zone answers TXT queries"));
        }
        if (records.isEmpty()) {
            return List.of(Finding.warn("mta-sts.record", name, "no MTA-STS record: senders cannot insist on TLS to your MX",
                "publish \"v=STSv1; id=20240101T000000\" and a policy at https://mta-sts." + domain + "/.well-known/mta-sts.txt"));
        }
        if (records.size() > 1) {
            return List.of(Finding.fail("mta-sts.record", name, records.size() + " MTA-STS records: senders treat the domain as having no policy",
                "keep exactly one v=STSv1 record"));
        }
        Optional<TagList> parsed = TagList.parse(records.get(0));
        List<String> problems = new ArrayList<>();
        String id = parsed.map(tags -> tags.getOrDefault("id", "")).orElse("");
        if (parsed.isEmpty()) {
            problems.add(TlsRptCheck.NOT_A_TAG_LIST);
        } else {
            if (!"v".equals(parsed.get().firstTag()) || !"STSv1".equals(parsed.get().get("v"))) {
                problems.add("v=STSv1 must come first");
            }
            if (!id.matches("[A-Za-z0-9]{1,32}")) {
                problems.add(id.isEmpty() ? "id= is missing" : "id=" + id + " is not 1-32 letters and digits");
            }
        }
        if (!problems.isEmpty()) {
            return List.of(Finding.fail("mta-sts.record", name, "invalid MTA-STS record: " + String.join("; ", problems),
                "use \"v=STSv1; id=ID\" with an id of 1-32 letters and digits, changed whenever the policy changes"));
        }
        List<Finding> findings = new ArrayList<>();
        findings.add(Finding.pass("mta-sts.record", name, "valid, id=" + id));
        if (probe) {
            findings.addAll(policy(domain, mxHosts));
        }
        return findings;
    }

    private List<Finding> policy(String domain, List<String> mxHosts) {
        HttpUrl url = new HttpUrl.Builder().scheme("https").host("mta-sts." + domain).port(settings.httpsPort())
            .encodedPath("/.well-known/mta-sts.txt").build();
        String subject = url.toString();
        progress.accept("fetching " + url);
        String body;
        try (Response response = client().newCall(new Request.Builder().url(url).get().build()).execute()) {
            if (response.code() != 200) {
                return List.of(Finding.fail("mta-sts.policy", subject, "HTTP " + response.code() + " instead of 200 (redirects are not followed)",
                    "serve the policy directly at this URL with status 200"));
            }
            String type = response.header("Content-Type", "");
            if (!type.toLowerCase(Locale.ROOT).startsWith("text/plain")) {
                return List.of(Finding.fail("mta-sts.policy", subject, "Content-Type '" + type + "' is not text/plain",
                    "serve the policy as text/plain (RFC 8461 3.2)"));
            }
            body = response.peekBody(MAX_POLICY_BYTES).string();
        } catch (IOException e) {
            return List.of(Finding.fail("mta-sts.policy", subject, "policy fetch failed: " + e.getMessage(),
                "serve the policy over HTTPS with a certificate valid for mta-sts." + domain));
        }
        Policy policy = parse(body);
        if (!policy.problems().isEmpty()) {
            return List.of(Finding.fail("mta-sts.policy", subject, "invalid policy: " + String.join("; ", policy.problems()),
                "serve version: STSv1, mode, mx and max_age lines as in RFC 8461 3.2"));
        }
        List<Finding> findings = new ArrayList<>();
        findings.add(Finding.pass("mta-sts.policy", subject, "policy fetched and valid"));
        String mode = policy.fields().get("mode");
        switch (mode) {
            case "enforce" -> findings.add(Finding.pass("mta-sts.mode", subject, "mode: enforce"));
            case "testing" -> findings.add(Finding.warn("mta-sts.mode", subject, "mode: testing: senders report TLS failures but still deliver",
                "switch to mode: enforce once TLS-RPT reports show no failures"));
            default -> findings.add(Finding.warn("mta-sts.mode", subject, "mode: none: the policy is withdrawn",
                "use mode: enforce (or testing while rolling out)"));
        }
        long maxAge = Long.parseLong(policy.fields().get("max_age"));
        if (maxAge < MIN_USEFUL_MAX_AGE) {
            findings.add(Finding.warn("mta-sts.max-age", subject, "max_age " + maxAge + " s is less than a day: senders rarely hold the policy",
                "use max_age of 604800 (a week) or more once the policy is stable"));
        } else {
            findings.add(Finding.pass("mta-sts.max-age", subject, "max_age " + maxAge + " s"));
        }
        if (!mode.equals("none")) {
            List<String> unmatched = mxHosts.stream().filter(host -> policy.mx().stream().noneMatch(p -> matches(p, host))).toList();
            if (unmatched.isEmpty()) {
                findings.add(Finding.pass("mta-sts.mx", subject, "every MX host matches an mx: pattern " + policy.mx()));
            } else {
                String message = "MX host(s) " + unmatched + " match no mx: pattern " + policy.mx();
                String advice = "add an mx: line for each MX host (or a *.domain wildcard), then change the id in the TXT record";
                findings.add(mode.equals("enforce") ? Finding.fail("mta-sts.mx", subject, message + ": enforcing senders will not deliver there", advice)
                    : Finding.warn("mta-sts.mx", subject, message, advice));
            }
        }
        return findings;
    }

    private OkHttpClient client() throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {settings.trust()}, null);
            return new OkHttpClient.Builder()
                .dns(dns::addressesOrUnknown)
                .sslSocketFactory(context.getSocketFactory(), settings.trust())
                .followRedirects(false)
                .followSslRedirects(false)
                .connectTimeout(settings.timeout())
                .readTimeout(settings.timeout())
                .callTimeout(settings.timeout().multipliedBy(2))
                .build();
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS is unavailable: " + e.getMessage(), e);
        }
    }

    static Policy parse(String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        List<String> mx = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String line : body.split("\r?\n")) {
            if (line.isBlank()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                problems.add("line '" + line + "' is not key: value");
                continue;
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            if (key.equals("mx")) {
                mx.add(value);
            } else if (fields.putIfAbsent(key, value) != null && List.of("version", "mode", "max_age").contains(key)) {
                problems.add(key + " appears twice");
            }
        }
        if (!"STSv1".equals(fields.get("version"))) {
            problems.add("version: STSv1 is missing");
        }
        String mode = fields.get("mode");
        if (!List.of("enforce", "testing", "none").contains(mode)) {
            problems.add(mode == null ? "mode is missing" : "mode: " + mode + " is not enforce, testing or none");
        }
        String maxAge = fields.get("max_age");
        if (maxAge == null || !maxAge.matches("\\d{1,10}") || Long.parseLong(maxAge) > MAX_AGE_LIMIT) {
            problems.add(maxAge == null ? "max_age is missing" : "max_age: " + maxAge + " is not 0-" + MAX_AGE_LIMIT);
        }
        if (mx.isEmpty() && !"none".equals(mode)) {
            problems.add("no mx: line");
        }
        return new Policy(fields, mx, problems);
    }

    /** RFC 8461 4.1: a pattern is a host name or "*." plus a name, the wildcard covering one left-most label. */
    static boolean matches(String pattern, String host) {
        String p = DnsResolver.normalize(pattern);
        String h = DnsResolver.normalize(host);
        if (p.startsWith("*.")) {
            int dot = h.indexOf('.');
            return dot > 0 && h.substring(dot + 1).equals(p.substring(2));
        }
        return p.equals(h);
    }
}
