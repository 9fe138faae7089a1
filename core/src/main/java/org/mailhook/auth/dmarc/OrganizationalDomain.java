package org.mailhook.auth.dmarc;

import java.util.Locale;

import com.google.common.net.InternetDomainName;

/**
 * The organizational domain (RFC 7489 section 3.2): the public suffix plus one label, from the Public
 * Suffix List Guava bundles (updated with each Guava release).
 */
public final class OrganizationalDomain {
    private OrganizationalDomain() {
    }

    public static String of(String domain) {
        String name = domain.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        try {
            InternetDomainName parsed = InternetDomainName.from(name);
            return parsed.isUnderPublicSuffix() ? parsed.topPrivateDomain().toString() : name;
        } catch (IllegalArgumentException e) {
            // Not a valid host name: it can only be its own organization.
            return name;
        }
    }

    /** Relaxed alignment: both names share an organizational domain. */
    public static boolean aligned(String a, String b, boolean strict) {
        if (a == null || b == null) {
            return false;
        }
        String left = a.toLowerCase(Locale.ROOT);
        String right = b.toLowerCase(Locale.ROOT);
        return strict ? left.equals(right) : of(left).equals(of(right));
    }
}
