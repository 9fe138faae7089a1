package org.mailhook.auth.spf;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import com.google.common.net.InetAddresses;

/** Macro syntax and expansion (RFC 7208 section 7). */
final class SpfMacros {
    private static final String LETTERS = "slodiphv";
    private static final String EXPLANATION_LETTERS = "crt";
    private static final String DELIMITERS = ".-+,/_=";

    /** What the macro letters stand for during one check_host() evaluation. */
    record Context(String sender, String localPart, String senderDomain, String domain, InetAddress ip,
                   String helo, Function<String, String> validatedName, long now) {
        Context withDomain(String newDomain) {
            return new Context(sender, localPart, senderDomain, newDomain, ip, helo, validatedName, now);
        }
    }

    private SpfMacros() {
    }

    static void checkMacroString(String text) throws SpfSyntaxException {
        scan(text, null, true, new StringBuilder());
    }

    /** A domain-spec must be a valid macro-string ending in a macro or in "." toplabel (7.1). */
    static void checkDomainSpec(String spec) throws SpfSyntaxException {
        boolean endsInMacro = scan(spec, null, false, new StringBuilder());
        if (endsInMacro) {
            return;
        }
        String name = spec.endsWith(".") ? spec.substring(0, spec.length() - 1) : spec;
        int dot = name.lastIndexOf('.');
        if (dot < 0 || !isTopLabel(name.substring(dot + 1))) {
            throw new SpfSyntaxException("domain-spec '" + spec + "' does not end in a top-level label");
        }
    }

    static boolean isTopLabel(String label) {
        return !label.isEmpty() && label.matches("[A-Za-z0-9-]+") && !label.matches("[0-9]+")
            && !label.startsWith("-") && !label.endsWith("-");
    }

    /** Expands a domain-spec and truncates it to 253 characters from the left (4.8, 7.3). */
    static String expandDomain(String spec, Context context) throws SpfSyntaxException {
        StringBuilder out = new StringBuilder();
        scan(spec, context, false, out);
        String name = out.toString();
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        while (name.length() > 253 && name.indexOf('.') >= 0) {
            name = name.substring(name.indexOf('.') + 1);
        }
        return name;
    }

    static String expandExplanation(String text, Context context) throws SpfSyntaxException {
        StringBuilder out = new StringBuilder();
        scan(text, context, true, out);
        return out.toString();
    }

    /**
     * Walks a macro-string; with a context it appends the expansion to {@code out}.
     * Returns whether the string ends with a macro-expand.
     */
    private static boolean scan(String text, Context context, boolean explanation, StringBuilder out)
        throws SpfSyntaxException {
        boolean endsInMacro = false;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '%') {
                if (c < 0x21 && !(explanation && c == ' ') || c > 0x7e) {
                    throw new SpfSyntaxException("invalid character in '" + text + "'");
                }
                out.append(c);
                endsInMacro = false;
                i++;
                continue;
            }
            if (i + 1 >= text.length()) {
                throw new SpfSyntaxException("lone % in '" + text + "'");
            }
            char next = text.charAt(i + 1);
            endsInMacro = true;
            if (next == '%') {
                out.append('%');
                i += 2;
            } else if (next == '_') {
                out.append(' ');
                i += 2;
            } else if (next == '-') {
                out.append("%20");
                i += 2;
            } else if (next == '{') {
                int close = text.indexOf('}', i);
                if (close < 0) {
                    throw new SpfSyntaxException("unclosed macro in '" + text + "'");
                }
                String macro = text.substring(i + 2, close);
                String value = macro(macro, context, explanation);
                if (value != null) {
                    out.append(value);
                }
                i = close + 1;
            } else {
                throw new SpfSyntaxException("invalid macro '%" + next + "' in '" + text + "'");
            }
        }
        return endsInMacro;
    }

    private static String macro(String macro, Context context, boolean explanation) throws SpfSyntaxException {
        if (macro.isEmpty()) {
            throw new SpfSyntaxException("empty macro");
        }
        char letter = macro.charAt(0);
        char lower = Character.toLowerCase(letter);
        if (LETTERS.indexOf(lower) < 0 && !(explanation && EXPLANATION_LETTERS.indexOf(lower) >= 0)) {
            throw new SpfSyntaxException("unknown macro letter '" + letter + "'");
        }
        int i = 1;
        int digitsStart = i;
        while (i < macro.length() && Character.isDigit(macro.charAt(i))) {
            i++;
        }
        int keep = Integer.MAX_VALUE;
        if (i > digitsStart) {
            keep = Integer.parseInt(macro.substring(digitsStart, i));
            if (keep == 0) {
                throw new SpfSyntaxException("zero labels requested in macro");
            }
        }
        boolean reverse = false;
        if (i < macro.length() && Character.toLowerCase(macro.charAt(i)) == 'r') {
            reverse = true;
            i++;
        }
        String delimiters = macro.substring(i);
        for (char d : delimiters.toCharArray()) {
            if (DELIMITERS.indexOf(d) < 0) {
                throw new SpfSyntaxException("invalid delimiter '" + d + "' in macro");
            }
        }
        if (context == null) {
            return null;
        }
        String value = value(lower, context);
        List<String> parts = new ArrayList<>(Arrays.asList(split(value, delimiters.isEmpty() ? "." : delimiters)));
        if (reverse) {
            Collections.reverse(parts);
        }
        if (parts.size() > keep) {
            parts = parts.subList(parts.size() - keep, parts.size());
        }
        String joined = String.join(".", parts);
        return Character.isUpperCase(letter) ? urlEscape(joined) : joined;
    }

    private static String[] split(String value, String delimiters) {
        StringBuilder regex = new StringBuilder("[");
        for (char d : delimiters.toCharArray()) {
            regex.append('\\').append(d);
        }
        return value.split(regex.append(']').toString(), -1);
    }

    private static String value(char letter, Context context) {
        switch (letter) {
            case 's':
                return context.sender();
            case 'l':
                return context.localPart();
            case 'o':
                return context.senderDomain();
            case 'd':
                return context.domain();
            case 'i':
                return dotted(context.ip());
            case 'p':
                return context.validatedName().apply(context.domain());
            case 'v':
                return context.ip() instanceof Inet4Address ? "in-addr" : "ip6";
            case 'h':
                return context.helo();
            case 'c':
                return InetAddresses.toAddrString(context.ip());
            case 'r':
                return "unknown";
            default:
                return Long.toString(context.now());
        }
    }

    /** Dotted quad for IPv4, dot-separated nibbles for IPv6 (7.3). */
    private static String dotted(InetAddress ip) {
        if (ip instanceof Inet4Address) {
            return ip.getHostAddress();
        }
        StringBuilder nibbles = new StringBuilder();
        for (byte b : ip.getAddress()) {
            nibbles.append(Character.forDigit((b >> 4) & 0xf, 16)).append('.');
            nibbles.append(Character.forDigit(b & 0xf, 16)).append('.');
        }
        return nibbles.substring(0, nibbles.length() - 1);
    }

    private static String urlEscape(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (Character.isLetterOrDigit(c) && c < 128 || "-._~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
            }
        }
        return out.toString();
    }
}
