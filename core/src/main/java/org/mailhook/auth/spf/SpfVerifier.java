package org.mailhook.auth.spf;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.mailhook.auth.AuthResult;
import org.mailhook.auth.spf.SpfRecord.Directive;
import org.mailhook.dns.DnsAnswer;
import org.mailhook.dns.DnsResolver;
import org.mailhook.dns.MxRecord;

/**
 * SPF check_host() (RFC 7208) for the MAIL FROM identity, falling back to HELO for the null sender.
 * Written here rather than taken from jSPF 1.0.5 because jSPF's resolver interface returns only record
 * lists, so it cannot tell NXDOMAIN from a timeout through our {@link DnsResolver}, and it has no
 * void-lookup limit (4.6.4).
 */
public final class SpfVerifier {
    static final int LOOKUP_LIMIT = 10;
    static final int VOID_LOOKUP_LIMIT = 2;
    static final int ADDRESS_LOOKUPS_PER_NAME = 10;

    private final DnsResolver dns;
    private final Clock clock;

    public SpfVerifier(DnsResolver dns, Clock clock) {
        this.dns = dns;
        this.clock = clock;
    }

    /** The HELO identity alone (2.3): the policy of the HELO name, as if mailed by postmaster there. */
    public SpfResult checkHelo(InetAddress ip, String helo) {
        return check(ip, helo, "postmaster@" + (helo == null ? "" : helo.trim()));
    }

    /**
     * The MAIL FROM identity (2.4), or the HELO identity for the null sender.
     *
     * @param ip the SMTP client address; null (unknown) gives none
     * @param mailFrom the SMTP MAIL FROM address, empty or null for the null sender
     */
    public SpfResult check(InetAddress ip, String helo, String mailFrom) {
        String heloName = helo == null ? "" : helo.trim();
        String sender = mailFrom == null ? "" : mailFrom.trim();
        if (sender.startsWith("<") && sender.endsWith(">")) {
            sender = sender.substring(1, sender.length() - 1);
        }
        String localPart;
        String domain;
        int at = sender.lastIndexOf('@');
        if (sender.isEmpty() || at < 0) {
            localPart = "postmaster";
            domain = heloName;
        } else {
            localPart = at == 0 ? "postmaster" : sender.substring(0, at);
            domain = sender.substring(at + 1);
        }
        domain = DnsResolver.normalize(domain);
        if (ip == null) {
            return new SpfResult(AuthResult.NONE, domain, null, "no client address");
        }
        if (!isValidDomain(domain)) {
            return new SpfResult(AuthResult.NONE, domain, null, "not a valid domain name");
        }
        Evaluation evaluation = new Evaluation(ip);
        SpfMacros.Context context = new SpfMacros.Context(localPart + "@" + domain, localPart, domain, domain, ip,
            heloName, evaluation::validatedName, clock.instant().getEpochSecond());
        try {
            Outcome outcome = evaluation.checkHost(context);
            return new SpfResult(outcome.result, domain, outcome.explanation, outcome.reason);
        } catch (PermError e) {
            return new SpfResult(AuthResult.PERMERROR, domain, null, e.getMessage());
        } catch (TempError e) {
            return new SpfResult(AuthResult.TEMPERROR, domain, null, e.getMessage());
        }
    }

    /** Initial processing (4.3): a multi-label name with labels of 1 to 63 characters. */
    static boolean isValidDomain(String domain) {
        if (domain.isEmpty() || domain.length() > 253 || domain.indexOf('.') < 0) {
            return false;
        }
        for (String label : domain.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63) {
                return false;
            }
        }
        return SpfMacros.isTopLabel(domain.substring(domain.lastIndexOf('.') + 1));
    }

    private record Outcome(AuthResult result, String explanation, String reason) {
    }

    private static final class PermError extends Exception {
        PermError(String message) {
            super(message);
        }
    }

    private static final class TempError extends Exception {
        TempError(String message) {
            super(message);
        }
    }

    /** The state one check shares across include/redirect: the lookup counters. */
    private final class Evaluation {
        private final InetAddress ip;
        private int lookups;
        private int voidLookups;

        Evaluation(InetAddress ip) {
            this.ip = ip;
        }

        Outcome checkHost(SpfMacros.Context context) throws PermError, TempError {
            String domain = context.domain();
            DnsAnswer<String> txt = dns.txt(domain);
            if (txt.isTempFailure()) {
                throw new TempError("DNS failure looking up TXT " + domain);
            }
            List<String> records = txt.records().stream().filter(SpfRecord::isSpf1).toList();
            if (records.isEmpty()) {
                return new Outcome(AuthResult.NONE, null, "no SPF record at " + domain);
            }
            if (records.size() > 1) {
                throw new PermError("more than one SPF record at " + domain);
            }
            SpfRecord record;
            try {
                record = SpfRecord.parse(records.get(0));
            } catch (SpfSyntaxException e) {
                throw new PermError(e.getMessage() + " at " + domain);
            }
            for (Directive directive : record.directives()) {
                if (matches(directive, context)) {
                    AuthResult result = result(directive.qualifier());
                    String explanation = result == AuthResult.FAIL ? explain(record, context) : null;
                    return new Outcome(result, explanation, "matched " + directive.text() + " at " + domain);
                }
            }
            if (record.redirect() != null) {
                countLookup();
                String target = expand(record.redirect(), context);
                if (!isValidDomain(target)) {
                    throw new PermError("redirect to invalid domain " + target);
                }
                Outcome redirected = checkHost(context.withDomain(target));
                if (redirected.result == AuthResult.NONE) {
                    throw new PermError("redirect to " + target + " which has no SPF record");
                }
                return redirected;
            }
            return new Outcome(AuthResult.NEUTRAL, null, "no mechanism matched at " + domain);
        }

        private boolean matches(Directive directive, SpfMacros.Context context) throws PermError, TempError {
            switch (directive.mechanism()) {
                case ALL:
                    return true;
                case IP4:
                case IP6:
                    return inNetwork(ip, directive.network(), directive);
                case A: {
                    countLookup();
                    String target = target(directive, context);
                    return anyAddressMatches(addresses(target, true), directive);
                }
                case MX: {
                    countLookup();
                    String target = target(directive, context);
                    DnsAnswer<MxRecord> mx = dns.mx(target);
                    if (mx.isTempFailure()) {
                        throw new TempError("DNS failure looking up MX " + target);
                    }
                    if (!mx.isFound()) {
                        countVoid();
                        return false;
                    }
                    List<MxRecord> exchanges = mx.records();
                    for (int i = 0; i < exchanges.size(); i++) {
                        // 4.6.4: at most 10 address lookups per mx; a match before the limit still counts.
                        if (i == ADDRESS_LOOKUPS_PER_NAME) {
                            throw new PermError("more than 10 MX exchanges at " + target);
                        }
                        MxRecord exchange = exchanges.get(i);
                        if (anyAddressMatches(addresses(exchange.exchange(), false), directive)) {
                            return true;
                        }
                    }
                    return false;
                }
                case PTR: {
                    countLookup();
                    String target = target(directive, context);
                    for (String name : validatedNames()) {
                        if (name.equals(target) || name.endsWith("." + target)) {
                            return true;
                        }
                    }
                    return false;
                }
                case EXISTS: {
                    countLookup();
                    String target = target(directive, context);
                    DnsAnswer<InetAddress> a = dns.a(target);
                    if (a.isTempFailure()) {
                        throw new TempError("DNS failure looking up A " + target);
                    }
                    if (!a.isFound()) {
                        countVoid();
                    }
                    return a.isFound();
                }
                default: {
                    countLookup();
                    String target = target(directive, context);
                    Outcome included = checkHost(context.withDomain(target));
                    switch (included.result) {
                        case PASS:
                            return true;
                        case FAIL:
                        case SOFTFAIL:
                        case NEUTRAL:
                            return false;
                        case NONE:
                            throw new PermError("include:" + target + " has no SPF record");
                        default:
                            throw new PermError("include:" + target + " gave " + included.result.word());
                    }
                }
            }
        }

        private String target(Directive directive, SpfMacros.Context context) throws PermError {
            return directive.domainSpec() == null ? context.domain() : expand(directive.domainSpec(), context);
        }

        private String expand(String spec, SpfMacros.Context context) throws PermError {
            try {
                return DnsResolver.normalize(SpfMacros.expandDomain(spec, context));
            } catch (SpfSyntaxException e) {
                throw new PermError(e.getMessage());
            }
        }

        /** The A or AAAA records of {@code name}, whichever family the client uses. */
        private List<InetAddress> addresses(String name, boolean countVoid) throws TempError, PermError {
            DnsAnswer<InetAddress> answer = ip instanceof Inet4Address ? dns.a(name) : dns.aaaa(name);
            if (answer.isTempFailure()) {
                throw new TempError("DNS failure looking up address of " + name);
            }
            if (!answer.isFound() && countVoid) {
                countVoid();
            }
            return answer.records();
        }

        private boolean anyAddressMatches(List<InetAddress> addresses, Directive directive) {
            for (InetAddress address : addresses) {
                if (inNetwork(ip, address, directive)) {
                    return true;
                }
            }
            return false;
        }

        /** PTR names of the client whose A/AAAA records lead back to it (5.5); DNS errors skip a name. */
        private List<String> validatedNames() {
            List<String> validated = new ArrayList<>();
            DnsAnswer<String> ptr = dns.ptr(ip);
            List<String> names = ptr.records();
            for (String name : names.subList(0, Math.min(names.size(), ADDRESS_LOOKUPS_PER_NAME))) {
                DnsAnswer<InetAddress> answer = ip instanceof Inet4Address ? dns.a(name) : dns.aaaa(name);
                if (answer.records().contains(ip)) {
                    validated.add(DnsResolver.normalize(name));
                }
            }
            return validated;
        }

        /** The %{p} macro: a validated name, preferring the current domain or its subdomains. */
        String validatedName(String domain) {
            List<String> names = validatedNames();
            for (String name : names) {
                if (name.equals(domain) || name.endsWith("." + domain)) {
                    return name;
                }
            }
            return names.isEmpty() ? "unknown" : names.get(0);
        }

        private String explain(SpfRecord record, SpfMacros.Context context) {
            if (record.exp() == null) {
                return null;
            }
            try {
                String name = SpfMacros.expandDomain(record.exp(), context);
                DnsAnswer<String> txt = dns.txt(name);
                if (txt.records().size() != 1) {
                    return null;
                }
                return SpfMacros.expandExplanation(txt.records().get(0), context);
            } catch (SpfSyntaxException e) {
                // An unusable explanation never changes the result (6.2).
                return null;
            }
        }

        private void countLookup() throws PermError {
            if (++lookups > LOOKUP_LIMIT) {
                throw new PermError("more than " + LOOKUP_LIMIT + " DNS-querying mechanisms");
            }
        }

        private void countVoid() throws PermError {
            if (++voidLookups > VOID_LOOKUP_LIMIT) {
                throw new PermError("more than " + VOID_LOOKUP_LIMIT + " void DNS lookups");
            }
        }
    }

    private static AuthResult result(SpfRecord.Qualifier qualifier) {
        switch (qualifier) {
            case PASS:
                return AuthResult.PASS;
            case FAIL:
                return AuthResult.FAIL;
            case SOFTFAIL:
                return AuthResult.SOFTFAIL;
            default:
                return AuthResult.NEUTRAL;
        }
    }

    private static boolean inNetwork(InetAddress ip, InetAddress network, Directive directive) {
        byte[] a = ip.getAddress();
        byte[] b = network.getAddress();
        if (a.length != b.length) {
            return false;
        }
        int bits = a.length == 4 ? directive.cidr4() : directive.cidr6();
        for (int i = 0; i < bits; i++) {
            int mask = 0x80 >> (i % 8);
            if ((a[i / 8] & mask) != (b[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }
}
