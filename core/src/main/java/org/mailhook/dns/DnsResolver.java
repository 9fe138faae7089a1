package org.mailhook.dns;

import java.net.InetAddress;

/**
 * The DNS lookups email authentication needs. Names are given without a trailing dot and compared
 * case-insensitively. Implementations never throw: failures are {@link DnsAnswer.Status#TEMP_FAILURE}.
 */
public interface DnsResolver {

    /** TXT records, each one string made of its character-strings joined without separator. */
    DnsAnswer<String> txt(String name);

    DnsAnswer<InetAddress> a(String name);

    DnsAnswer<InetAddress> aaaa(String name);

    DnsAnswer<MxRecord> mx(String name);

    /** Host names for the reverse name of {@code address} (in-addr.arpa / ip6.arpa). */
    DnsAnswer<String> ptr(InetAddress address);

    DnsAnswer<String> cname(String name);

    /** {@code 4.3.2.1.in-addr.arpa} or the nibble form under {@code ip6.arpa}. */
    static String reverseName(InetAddress address) {
        byte[] bytes = address.getAddress();
        StringBuilder name = new StringBuilder();
        if (bytes.length == 4) {
            for (int i = 3; i >= 0; i--) {
                name.append(bytes[i] & 0xff).append('.');
            }
            return name.append("in-addr.arpa").toString();
        }
        for (int i = bytes.length - 1; i >= 0; i--) {
            name.append(Character.forDigit(bytes[i] & 0xf, 16)).append('.');
            name.append(Character.forDigit((bytes[i] >> 4) & 0xf, 16)).append('.');
        }
        return name.append("ip6.arpa").toString();
    }

    /** Lower case, without trailing dot: the form names are compared in. */
    static String normalize(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
