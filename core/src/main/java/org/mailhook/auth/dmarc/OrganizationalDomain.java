package org.mailhook.auth.dmarc;

import java.util.Locale;

import com.google.common.net.InternetDomainName;

/**
 * The organizational domain (RFC 7489 section 3.2): the public suffix plus one label, from the Public
 * Suffix List Guava bundles (updated with each Guava release). A name under no listed suffix follows
 * the list's default rule {@code *}: its last label is the public suffix, so its organizational domain
 * is its last two labels.
 */
public final class OrganizationalDomain {
    private OrganizationalDomain() {
    }

    public static String of(String domain) {
        String name = domain.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        InternetDomainName parsed;
        try {
            parsed = InternetDomainName.from(name);
        } catch (IllegalArgumentException e) {
            // Not a valid host name: it can only be its own organization.
            return name;
        }
        if (parsed.isUnderPublicSuffix()) {
            return parsed.topPrivateDomain().toString();
        }
        if (parsed.hasPublicSuffix()) {
            // The name is itself a public suffix: nobody owns it as an organization.
            return name;
        }
        // Guava finds no suffix where the list's default rule "*" makes the last label one.
        int lastDot = name.lastIndexOf('.');
        int secondLastDot = lastDot < 0 ? -1 : name.lastIndexOf('.', lastDot - 1);
        return name.substring(secondLastDot + 1);
    }

    /** Relaxed alignment: both names share an organizational domain; strict: they are the same name. */
    public static boolean aligned(String a, String b, boolean strict) {
        if (a == null || b == null) {
            return false;
        }
        String left = a.toLowerCase(Locale.ROOT);
        String right = b.toLowerCase(Locale.ROOT);
        return strict ? left.equals(right) : of(left).equals(of(right));
    }
}
