package org.mailhook.webhook;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import javax.net.SocketFactory;

import org.mailhook.config.Cidr;
import org.mailhook.config.ParameterValues;

import okhttp3.Dns;
import okhttp3.HttpUrl;

/**
 * The one address policy for outbound requests (server-side request forgery): which hosts and addresses
 * a webhook may reach. It is applied at three points: to a URL when it is configured or minted
 * ({@link #refusalForUrl(HttpUrl)}, which reads hosts that end in a number as WHATWG URL parsing does:
 * {@code 2130706433}, {@code 127.1}, {@code 0177.0.0.1}, {@code 0x7f.0.0.1} are all IPv4), to every DNS
 * answer (this class is OkHttp's {@link Dns}: only permitted addresses are handed to OkHttp), and to the
 * address a socket is about to connect to ({@link #socketFactory()}), so whatever path OkHttp takes to
 * an address (IP literals it never resolves, DNS rebinding), nothing internal is connected to.
 */
public final class SsrfGuard implements Dns {

    /** Why an address is special. Addresses in none of these blocks are public and always allowed. */
    public enum Category { LOOPBACK, PRIVATE, LINK_LOCAL, METADATA, UNSPECIFIED, MULTICAST, RESERVED }

    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
    private static final Cidr IPV4_COMPATIBLE = Cidr.parse("::/96");
    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");
    private static final Cidr TEREDO = Cidr.parse("2001::/32");
    /** ::ffff:0:0/96 (IPv4-mapped) and ::ffff:0:0:0/96 (IPv4-translated, RFC 2765), built from bytes: parsing text would fold them to IPv4. */
    private static final byte[] MAPPED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};
    private static final byte[] TRANSLATED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 0, 0};
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
            ParameterValues parameter = ParameterValues.of(given);
            List<Cidr> blocks = new ArrayList<>();
            for (String block : parameter.text("allowCidrs").map(cidrs -> cidrs.split(",")).orElse(new String[0])) {
                try {
                    blocks.add(Cidr.parse(block));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("allowCidrs: " + e.getMessage(), e);
                }
            }
            return new Policy(parameter.flag("allowLoopback", false), parameter.flag("allowPrivate", false), blocks);
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

    /** The special block an address falls in, if any. IPv4 carried in IPv6 ({@link #embeddedIpv4}) is judged as that IPv4. */
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
        String carried = embeddedIpv4(address).map(v4 -> " (it carries IPv4 " + v4.getHostAddress() + ")").orElse("");
        return Optional.of(address.getHostAddress() + carried + " is " + category.get().name().toLowerCase(Locale.ROOT).replace('_', '-')
            + " (refused by the SSRF guard; allow it with allowLoopback, allowPrivate or allowCidrs)");
    }

    /** Why a webhook URL may not be used (its host is judged by {@link #refusalForHost}), or empty when it may. */
    public Optional<String> refusalForUrl(HttpUrl url) {
        return refusalForHost(url.host());
    }

    /**
     * For a host that is an address, why it may not be reached; host names are judged when resolved
     * ({@link #lookup}). A host that ends in a number is IPv4 as WHATWG URL parsing reads it (decimal,
     * octal {@code 0177}, hex {@code 0x7f}, and 1 to 4 parts: {@code 2130706433}, {@code 127.1}); such a
     * host is refused when it is not a valid IPv4 address, when the address is refused, and when it is not
     * written as a dotted quad (libraries disagree on the other forms, so the address connected to could
     * differ from the one judged here).
     */
    public Optional<String> refusalForHost(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bare.contains(":")) {
            Optional<InetAddress> v6 = Cidr.literal(bare);
            return v6.isEmpty()
                ? Optional.of("host '" + host + "' is not a valid IPv6 address (refused by the SSRF guard)")
                : refusal(v6.get()).map(why -> "host '" + host + "': " + why);
        }
        if (!endsInANumber(bare)) {
            return Optional.empty();
        }
        Optional<InetAddress> v4 = whatwgIpv4(bare);
        if (v4.isEmpty()) {
            return Optional.of("host '" + host + "' ends in a number but is not a valid IPv4 address (refused by the SSRF guard)");
        }
        String dotted = v4.get().getHostAddress();
        Optional<String> refusal = refusal(v4.get());
        if (refusal.isPresent()) {
            return Optional.of("host '" + host + "'" + (bare.equals(dotted) ? "" : " is IPv4 " + dotted) + ": " + refusal.get());
        }
        if (!bare.equals(dotted)) {
            return Optional.of("host '" + host + "' is IPv4 " + dotted + " in a non-standard notation (refused by the SSRF guard;"
                + " write it as " + dotted + ")");
        }
        return Optional.empty();
    }

    /**
     * Sockets that judge the address they are about to connect to and refuse, before any packet is sent,
     * one the policy does not permit: the last check, on the address actually connected to.
     */
    public SocketFactory socketFactory() {
        return new GuardedSocketFactory();
    }

    private Optional<String> refusal(SocketAddress endpoint) {
        if (!(endpoint instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            return Optional.of(endpoint + " is not a resolved address (refused by the SSRF guard)");
        }
        return refusal(inet.getAddress());
    }

    private final class GuardedSocketFactory extends SocketFactory {
        @Override
        public Socket createSocket() {
            return new Socket() {
                @Override
                public void connect(SocketAddress endpoint, int timeout) throws IOException {
                    Optional<String> refused = refusal(endpoint);
                    if (refused.isPresent()) {
                        close();
                        throw new RefusedException("connect to " + endpoint + ": " + refused.get());
                    }
                    super.connect(endpoint, timeout);
                }
            };
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return connected(new InetSocketAddress(host, port));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return connected(new InetSocketAddress(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            throw new IOException("binding a local address is not supported");
        }

        @Override
        public Socket createSocket(InetAddress host, int port, InetAddress localHost, int localPort) throws IOException {
            throw new IOException("binding a local address is not supported");
        }

        private Socket connected(InetSocketAddress address) throws IOException {
            Socket socket = createSocket();
            socket.connect(address);
            return socket;
        }
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

    /**
     * The IPv4 address an IPv6 address carries: IPv4-mapped and -translated (an {@code Inet6Address} built
     * from bytes keeps that form; text and {@code InetAddress.getByAddress} fold it to IPv4), IPv4-compatible
     * {@code ::/96} (but not {@code ::} and {@code ::1}), NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}
     * and Teredo {@code 2001::/32}, whose client address is the last 32 bits inverted.
     */
    private static Optional<InetAddress> embeddedIpv4(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != 16) {
            return Optional.empty();
        }
        byte[] v4 = null;
        if (startsWith(bytes, MAPPED_PREFIX) || startsWith(bytes, TRANSLATED_PREFIX) || NAT64.contains(address)
            || (IPV4_COMPATIBLE.contains(address) && IPV6_UNSPECIFIED_OR_LOOPBACK.stream().noneMatch(b -> b.contains(address)))) {
            v4 = Arrays.copyOfRange(bytes, 12, 16);
        } else if (SIX_TO_FOUR.contains(address)) {
            v4 = Arrays.copyOfRange(bytes, 2, 6);
        } else if (TEREDO.contains(address)) {
            v4 = Arrays.copyOfRange(bytes, 12, 16);
            for (int i = 0; i < 4; i++) {
                v4[i] = (byte) ~v4[i];
            }
        }
        if (v4 == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(v4));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** WHATWG URL "ends in a number checker": such a host is parsed as IPv4, never looked up as a name. */
    static boolean endsInANumber(String host) {
        List<String> parts = new ArrayList<>(Arrays.asList(host.split("\\.", -1)));
        if (parts.get(parts.size() - 1).isEmpty()) {
            if (parts.size() == 1) {
                return false;
            }
            parts.remove(parts.size() - 1);
        }
        String last = parts.get(parts.size() - 1);
        return (!last.isEmpty() && last.chars().allMatch(c -> c >= '0' && c <= '9')) || ipv4Number(last) != null;
    }

    /** WHATWG URL "IPv4 parser": 1 to 4 parts, each decimal, octal (leading 0) or hex (0x), the last filling the rest. */
    static Optional<InetAddress> whatwgIpv4(String host) {
        List<String> parts = new ArrayList<>(Arrays.asList(host.split("\\.", -1)));
        if (parts.size() > 1 && parts.get(parts.size() - 1).isEmpty()) {
            parts.remove(parts.size() - 1);
        }
        if (parts.size() > 4) {
            return Optional.empty();
        }
        List<BigInteger> numbers = new ArrayList<>();
        for (String part : parts) {
            BigInteger number = ipv4Number(part);
            if (number == null) {
                return Optional.empty();
            }
            numbers.add(number);
        }
        BigInteger limit = BigInteger.valueOf(256).pow(5 - numbers.size());
        long value = 0;
        for (int i = 0; i < numbers.size() - 1; i++) {
            if (numbers.get(i).compareTo(BigInteger.valueOf(255)) > 0) {
                return Optional.empty();
            }
            value += numbers.get(i).longValue() << (8 * (3 - i));
        }
        BigInteger last = numbers.get(numbers.size() - 1);
        if (last.compareTo(limit) >= 0) {
            return Optional.empty();
        }
        value += last.longValue();
        try {
            return Optional.of(InetAddress.getByAddress(new byte[] {
                (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value}));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** WHATWG URL "IPv4 number parser"; null on failure. */
    private static BigInteger ipv4Number(String part) {
        if (part.isEmpty()) {
            return null;
        }
        int radix = 10;
        String digits = part;
        if (part.length() >= 2 && (part.startsWith("0x") || part.startsWith("0X"))) {
            radix = 16;
            digits = part.substring(2);
        } else if (part.length() >= 2 && part.startsWith("0")) {
            radix = 8;
            digits = part.substring(1);
        }
        if (digits.isEmpty()) {
            return BigInteger.ZERO;
        }
        int base = radix;
        if (!digits.chars().allMatch(c -> Character.digit(c, base) >= 0 && c < 128)) {
            return null;
        }
        return new BigInteger(digits, radix);
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
