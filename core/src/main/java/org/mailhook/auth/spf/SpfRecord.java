package org.mailhook.auth.spf;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.common.net.InetAddresses;

/**
 * One parsed {@code v=spf1} record (RFC 7208 sections 4.6 and 12). The whole record is parsed before
 * anything is evaluated, because a syntax error anywhere makes the result permerror (4.6). The verifier
 * stops at the first problem ({@link #parse}); {@code mailhook doctor} lists them all ({@link #check}).
 */
public record SpfRecord(List<Directive> directives, String redirect, String exp) {

    public enum Qualifier {
        PASS('+'), FAIL('-'), SOFTFAIL('~'), NEUTRAL('?');
        final char symbol;

        Qualifier(char symbol) {
            this.symbol = symbol;
        }

        public char symbol() {
            return symbol;
        }
    }

    public enum Mechanism {
        ALL, INCLUDE, A, MX, PTR, IP4, IP6, EXISTS;

        /** Whether evaluating it costs a DNS query, i.e. counts towards the limit of 10 (4.6.4). */
        public boolean queriesDns() {
            return this == INCLUDE || this == A || this == MX || this == PTR || this == EXISTS;
        }
    }

    /**
     * @param domainSpec the unexpanded target, or null for "the current domain" / not applicable
     * @param network the address of ip4/ip6
     * @param cidr4 prefix length for IPv4 matches (32 when absent)
     * @param cidr6 prefix length for IPv6 matches (128 when absent)
     */
    public record Directive(Qualifier qualifier, Mechanism mechanism, String domainSpec, java.net.InetAddress network,
                     int cidr4, int cidr6, String text) {
    }

    private static final Pattern MODIFIER_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]*");
    private static final Pattern DUAL_CIDR = Pattern.compile("^(.*?)(?:/(0|[1-9][0-9]*))?(?://(0|[1-9][0-9]*))?$",
        Pattern.DOTALL);
    private static final Pattern IP4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
        + "(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

    /** A record with every syntax problem found; the record holds the terms that parsed. */
    public record Checked(SpfRecord record, List<String> problems) {
    }

    /** True when a TXT string is an SPF version 1 record (4.5). */
    public static boolean isSpf1(String txt) {
        return txt.regionMatches(true, 0, "v=spf1", 0, 6) && (txt.length() == 6 || txt.charAt(6) == ' ');
    }

    static SpfRecord parse(String text) throws SpfSyntaxException {
        Checked checked = check(text);
        if (!checked.problems().isEmpty()) {
            throw new SpfSyntaxException(checked.problems().get(0));
        }
        return checked.record();
    }

    /** Parses every term of {@code text} (a {@code v=spf1} record), collecting the problems instead of stopping. */
    public static Checked check(String text) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c > 126 || (c < 32)) {
                problems.add("non-ASCII or control character in record");
                break;
            }
        }
        List<Directive> directives = new ArrayList<>();
        String redirect = null;
        String exp = null;
        for (String term : text.substring(6).split(" ")) {
            if (term.isEmpty()) {
                continue;
            }
            try {
                int equals = term.indexOf('=');
                int colon = term.indexOf(':');
                int slash = term.indexOf('/');
                boolean modifier = equals > 0 && (colon < 0 || equals < colon) && (slash < 0 || equals < slash)
                    && MODIFIER_NAME.matcher(term.substring(0, equals)).matches();
                if (!modifier) {
                    directives.add(directive(term));
                    continue;
                }
                String name = term.substring(0, equals).toLowerCase(Locale.ROOT);
                String value = term.substring(equals + 1);
                if (name.equals("redirect") || name.equals("exp")) {
                    SpfMacros.checkDomainSpec(value);
                    if (name.equals("redirect")) {
                        if (redirect != null) {
                            throw new SpfSyntaxException("two redirect= modifiers");
                        }
                        redirect = value;
                    } else {
                        if (exp != null) {
                            throw new SpfSyntaxException("two exp= modifiers");
                        }
                        exp = value;
                    }
                } else {
                    // Unknown modifiers are ignored (6), but their value must still be a macro-string.
                    SpfMacros.checkMacroString(value);
                }
            } catch (SpfSyntaxException e) {
                problems.add(e.getMessage());
            }
        }
        return new Checked(new SpfRecord(List.copyOf(directives), redirect, exp), List.copyOf(problems));
    }

    private static Directive directive(String term) throws SpfSyntaxException {
        Qualifier qualifier = Qualifier.PASS;
        String rest = term;
        for (Qualifier q : Qualifier.values()) {
            if (rest.charAt(0) == q.symbol) {
                qualifier = q;
                rest = rest.substring(1);
                break;
            }
        }
        int end = 0;
        while (end < rest.length() && rest.charAt(end) != ':' && rest.charAt(end) != '/') {
            end++;
        }
        String name = rest.substring(0, end).toLowerCase(Locale.ROOT);
        String argument = rest.substring(end);
        Mechanism mechanism;
        try {
            mechanism = Mechanism.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SpfSyntaxException("unknown mechanism '" + name + "'");
        }
        switch (mechanism) {
            case ALL:
                requireEmpty(argument, term);
                return new Directive(qualifier, mechanism, null, null, 32, 128, term);
            case INCLUDE:
            case EXISTS:
                return new Directive(qualifier, mechanism, requiredDomainSpec(argument, term), null, 32, 128, term);
            case PTR:
                String ptrSpec = argument.isEmpty() ? null : requiredDomainSpec(argument, term);
                return new Directive(qualifier, mechanism, ptrSpec, null, 32, 128, term);
            case A:
            case MX:
                Matcher cidr = DUAL_CIDR.matcher(argument);
                if (!cidr.matches()) {
                    throw new SpfSyntaxException("bad argument in '" + term + "'");
                }
                String spec = cidr.group(1).isEmpty() ? null : requiredDomainSpec(cidr.group(1), term);
                return new Directive(qualifier, mechanism, spec, null, prefix(cidr.group(2), 32, term),
                    prefix(cidr.group(3), 128, term), term);
            case IP4:
                return network(qualifier, mechanism, argument, term, 32);
            default:
                return network(qualifier, mechanism, argument, term, 128);
        }
    }

    private static Directive network(Qualifier qualifier, Mechanism mechanism, String argument, String term, int max)
        throws SpfSyntaxException {
        if (!argument.startsWith(":")) {
            throw new SpfSyntaxException("missing network in '" + term + "'");
        }
        String value = argument.substring(1);
        int slash = value.indexOf('/');
        String address = slash < 0 ? value : value.substring(0, slash);
        int length = max;
        if (slash >= 0) {
            String digits = value.substring(slash + 1);
            if (!digits.matches("0|[1-9][0-9]*")) {
                throw new SpfSyntaxException("bad prefix length in '" + term + "'");
            }
            length = prefix(digits, max, term);
        }
        boolean valid = max == 32 ? IP4.matcher(address).matches()
            : address.contains(":") && InetAddresses.isInetAddress(address);
        if (!valid) {
            throw new SpfSyntaxException("bad address in '" + term + "'");
        }
        java.net.InetAddress network = InetAddresses.forString(address);
        return new Directive(qualifier, mechanism, null, network, max == 32 ? length : 32, max == 128 ? length : 128,
            term);
    }

    private static int prefix(String digits, int max, String term) throws SpfSyntaxException {
        if (digits == null) {
            return max;
        }
        int value;
        try {
            value = Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new SpfSyntaxException("bad prefix length in '" + term + "'");
        }
        if (value > max) {
            throw new SpfSyntaxException("prefix length over " + max + " in '" + term + "'");
        }
        return value;
    }

    private static void requireEmpty(String argument, String term) throws SpfSyntaxException {
        if (!argument.isEmpty()) {
            throw new SpfSyntaxException("unexpected argument in '" + term + "'");
        }
    }

    private static String requiredDomainSpec(String argument, String term) throws SpfSyntaxException {
        if (!argument.startsWith(":") || argument.length() == 1) {
            throw new SpfSyntaxException("missing domain in '" + term + "'");
        }
        String spec = argument.substring(1);
        SpfMacros.checkDomainSpec(spec);
        return spec;
    }
}
