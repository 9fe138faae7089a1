package org.mailhook.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import okhttp3.Dns;

/**
 * Keeps webhooks away from internal networks (server-side request forgery). Endpoint host names are
 * resolved by the injected resolver and only addresses the policy permits are handed to OkHttp, which
 * connects to exactly those: the check happens at connect time on the resolved address, so a name that
 * later re-resolves to an internal address (DNS rebinding) is still refused. IP-literal URLs, which
 * OkHttp never resolves, go through {@link #refusalForHost(String)} before the request.
 */
public final class SsrfGuard implements Dns {

    /** Why an address is special. Addresses in none of these blocks are public and always allowed. */
    public enum Category { LOOPBACK, PRIVATE, LINK_LOCAL, METADATA, UNSPECIFIED, MULTICAST, RESERVED }

    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
    private static final Cidr IPV4_COMPATIBLE = Cidr.parse("::/96");
    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");
    private static final List<Cidr> IPV6_UNSPECIFIED_OR_LOOPBACK = List.of(Cidr.parse("::/128"), Cidr.parse("::1/128"));

    /** First match wins, so the metadata addresses come before the blocks that contain them. */
    private static final Map.Entry<Cidr, Category>[] BLOCKS = blocks(
        "169.254.169.254/32", Category.METADATA,
        "fd00:ec2::254/128", Category.METADATA,
        "0.0.0.0/8", Category.UNSPECIFIED,
        "::/128", Category.UNSPECIFIED,
        "127.0.0.0/8", Category.LOOPBACK,
        "::1/128", Category.LOOPBACK,
        "10.0.0.0/8", Category.PRIVATE,
        "172.16.0.0/12", Category.PRIVATE,
        "192.168.0.0/16", Category.PRIVATE,
        "100.64.0.0/10", Category.PRIVATE,
        "fc00::/7", Category.PRIVATE,
        "fec0::/10", Category.PRIVATE,
        "169.254.0.0/16", Category.LINK_LOCAL,
        "fe80::/10", Category.LINK_LOCAL,
        "224.0.0.0/4", Category.MULTICAST,
        "ff00::/8", Category.MULTICAST,
        "192.0.0.0/24", Category.RESERVED,
        "192.0.2.0/24", Category.RESERVED,
        "198.18.0.0/15", Category.RESERVED,
        "198.51.100.0/24", Category.RESERVED,
        "203.0.113.0/24", Category.RESERVED,
        "240.0.0.0/4", Category.RESERVED,
        "100::/64", Category.RESERVED,
        "2001:db8::/32", Category.RESERVED);

    /**
     * What may be reached besides public addresses: loopback, private blocks (RFC 1918, CGNAT 100.64/10,
     * fc00::/7), and explicit blocks, which allow anything they contain (even link-local or metadata).
     */
    public record Policy(boolean allowLoopback, boolean allowPrivate, List<Cidr> allowed) {
        public Policy {
            allowed = List.copyOf(allowed);
        }

        public static Policy strict() {
            return new Policy(false, false, List.of());
        }

        /**
         * From parameters {@code allowLoopback}, {@code allowPrivate} (true/false) and {@code allowCidrs}
         * (comma-separated blocks).
         *
         * @param parameter a parameter's value, or null when it is not set
         * @throws IllegalArgumentException naming the parameter that is wrong
         */
        public static Policy fromParameters(Function<String, String> given) {
            Function<String, String> parameter = Parameters.present(given);
            List<Cidr> blocks = new ArrayList<>();
            String cidrs = parameter.apply("allowCidrs");
            if (cidrs != null && !cidrs.isBlank()) {
                for (String block : cidrs.split(",")) {
                    try {
                        blocks.add(Cidr.parse(block));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("allowCidrs: " + e.getMessage(), e);
                    }
                }
            }
            return new Policy(bool(parameter, "allowLoopback"), bool(parameter, "allowPrivate"), blocks);
        }

        private static boolean bool(Function<String, String> parameter, String key) {
            String value = parameter.apply(key);
            if (value == null) {
                return false;
            }
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "true", "yes" -> true;
                case "false", "no" -> false;
                default -> throw new IllegalArgumentException(key + ": '" + value + "' is not true or false");
            };
        }
    }

    /** The host resolved only to addresses the policy refuses. */
    public static final class RefusedException extends UnknownHostException {
        public RefusedException(String message) {
            super(message);
        }
    }

    private final Policy policy;
    private final Dns resolver;

    /** @param resolver how host names are resolved ({@code Dns.SYSTEM} in production) */
    public SsrfGuard(Policy policy, Dns resolver) {
        this.policy = policy;
        this.resolver = resolver;
    }

    public Policy policy() {
        return policy;
    }

    /** The special block an address falls in, if any. Embedded IPv4 (NAT64, 6to4, IPv4-compatible) is judged as IPv4. */
    public static Optional<Category> categorize(InetAddress address) {
        Optional<InetAddress> embedded = embeddedIpv4(address);
        if (embedded.isPresent()) {
            return categorize(embedded.get());
        }
        for (Map.Entry<Cidr, Category> block : BLOCKS) {
            if (block.getKey().contains(address)) {
                return Optional.of(block.getValue());
            }
        }
        return Optional.empty();
    }

    /** @return why this address may not be reached, or empty when it may */
    public Optional<String> refusal(InetAddress address) {
        if (policy.allowed().stream().anyMatch(block -> block.contains(address))) {
            return Optional.empty();
        }
        Optional<Category> category = categorize(address);
        if (category.isEmpty()
            || (category.get() == Category.LOOPBACK && policy.allowLoopback())
            || (category.get() == Category.PRIVATE && policy.allowPrivate())) {
            return Optional.empty();
        }
        return Optional.of(address.getHostAddress() + " is " + category.get().name().toLowerCase(Locale.ROOT).replace('_', '-')
            + " (refused by the SSRF guard; allow it with allowLoopback, allowPrivate or allowCidrs)");
    }

    /** For an IP-literal host, why it may not be reached; host names are judged when resolved ({@link #lookup}). */
    public Optional<String> refusalForHost(String host) {
        return Cidr.literal(host).flatMap(this::refusal);
    }

    /** Resolves and keeps only permitted addresses; OkHttp calls this on every new connection. */
    @Override
    public List<InetAddress> lookup(String hostname) throws UnknownHostException {
        List<InetAddress> permitted = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        for (InetAddress address : resolver.lookup(hostname)) {
            Optional<String> refusal = refusal(address);
            if (refusal.isPresent()) {
                refusals.add(refusal.get());
            } else {
                permitted.add(address);
            }
        }
        if (permitted.isEmpty()) {
            throw new RefusedException(hostname + ": " + String.join("; ", refusals));
        }
        return permitted;
    }

    /** IPv4-mapped addresses (::ffff:a.b.c.d) need no case: the JDK already turns them into IPv4 addresses. */
    private static Optional<InetAddress> embeddedIpv4(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != 16) {
            return Optional.empty();
        }
        byte[] v4 = null;
        if (NAT64.contains(address) || IPV4_COMPATIBLE.contains(address)) {
            v4 = Arrays.copyOfRange(bytes, 12, 16);
        } else if (SIX_TO_FOUR.contains(address)) {
            v4 = Arrays.copyOfRange(bytes, 2, 6);
        }
        if (v4 == null || IPV6_UNSPECIFIED_OR_LOOPBACK.stream().anyMatch(b -> b.contains(address))) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(v4));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map.Entry<Cidr, Category>[] blocks(Object... pairs) {
        Map.Entry<Cidr, Category>[] entries = new Map.Entry[pairs.length / 2];
        for (int i = 0; i < pairs.length; i += 2) {
            entries[i / 2] = Map.entry(Cidr.parse((String) pairs[i]), (Category) pairs[i + 1]);
        }
        return entries;
    }
}
