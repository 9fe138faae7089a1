package org.mailhook.doctor;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import com.google.common.net.InetAddresses;

import org.mailhook.dns.DnsResolver;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Raw DNS access for the doctor: whole answers with TTLs, header flags (AD, RA) and the authority
 * section, which the authentication resolver does not expose. Queries ask for DNSSEC records (DO) and
 * for the AD bit so a validating resolver can say it validated. Answers are cached for one run.
 */
public final class DoctorDns {
    private final Resolver resolver;
    private final String description;
    private final Map<String, Answer> cache = new HashMap<>();

    public DoctorDns(Resolver resolver, String description) {
        this.resolver = resolver;
        this.description = description;
        resolver.setEDNS(0, 1232, ExtendedFlags.DO, List.of());
    }

    /**
     * A resolver at {@code IP}, {@code IP:PORT} or {@code [IPv6]:PORT} (port 53 when absent).
     *
     * @throws IllegalArgumentException when the text is not an IP address with an optional port
     */
    public static DoctorDns at(String address, Duration timeout) {
        String host = address;
        int port = 53;
        if (address.startsWith("[")) {
            int close = address.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + address + "': missing ']'");
            }
            host = address.substring(1, close);
            if (address.length() > close + 1) {
                port = port(address, address.substring(close + 1));
            }
        } else if (address.chars().filter(c -> c == ':').count() == 1) {
            host = address.substring(0, address.indexOf(':'));
            port = port(address, address.substring(address.indexOf(':')));
        }
        if (!InetAddresses.isInetAddress(host)) {
            throw new IllegalArgumentException("'" + address + "' is not IP[:PORT]");
        }
        InetSocketAddress server = new InetSocketAddress(InetAddresses.forString(host), port);
        SimpleResolver simple = new SimpleResolver(server);
        simple.setTimeout(timeout);
        return new DoctorDns(simple, address);
    }

    /** The first name server of the system configuration (/etc/resolv.conf). */
    public static DoctorDns system(Duration timeout) {
        List<InetSocketAddress> servers = ResolverConfig.getCurrentConfig().servers();
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no name server configured on this system; pass --resolver IP[:PORT]");
        }
        InetSocketAddress server = servers.get(0);
        SimpleResolver simple = new SimpleResolver(server);
        simple.setTimeout(timeout);
        return new DoctorDns(simple, server.getAddress().getHostAddress() + ":" + server.getPort());
    }

    private static int port(String address, String colonPort) {
        try {
            int port = Integer.parseInt(colonPort.substring(1));
            if (colonPort.charAt(0) == ':' && port > 0 && port < 65536) {
                return port;
            }
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            // reported below
        }
        throw new IllegalArgumentException("'" + address + "' has no valid port");
    }

    /** Who answers, for the report. */
    public String description() {
        return description;
    }

    /** One answer: response code, answer and authority sections, AD and RA flags. */
    public record Answer(int rcode, List<Record> answers, List<Record> authority, boolean authenticated, boolean recursive) {
        public boolean nxdomain() {
            return rcode == Rcode.NXDOMAIN;
        }

        /** Answer records of {@code type} (an answer may also hold CNAMEs and RRSIGs). */
        public <R extends Record> List<R> records(int type, Class<R> recordClass) {
            return answers.stream().filter(r -> r.getType() == type).map(recordClass::cast).toList();
        }

        public boolean has(int type) {
            return answers.stream().anyMatch(r -> r.getType() == type);
        }
    }

    /** The resolver gave no usable answer (timeout, SERVFAIL, REFUSED) or the name is not a DNS name. */
    public static final class DnsFailure extends IOException {
        public DnsFailure(String message) {
            super(message);
        }
    }

    public Answer query(String name, int type) throws DnsFailure {
        String key = name.toLowerCase(Locale.ROOT) + "/" + type;
        Answer cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        Name qname;
        try {
            qname = Name.fromString(name, Name.root);
        } catch (TextParseException e) {
            throw new DnsFailure("'" + name + "' is not a DNS name: " + e.getMessage());
        }
        Message query = Message.newQuery(Record.newRecord(qname, type, DClass.IN));
        query.getHeader().setFlag(Flags.AD);
        Message response;
        try {
            response = resolver.send(query);
        } catch (IOException e) {
            throw new DnsFailure("no answer from " + description + " for " + name + " " + Type.string(type) + " (" + e.getMessage() + ")");
        }
        int rcode = response.getRcode();
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
            throw new DnsFailure(description + " answered " + Rcode.string(rcode) + " for " + name + " " + Type.string(type)
                + (rcode == Rcode.SERVFAIL ? " (from a validating resolver this often means broken DNSSEC: "
                    + "ask the zone's authoritative server with --resolver to see the records)" : ""));
        }
        Answer answer = new Answer(rcode, response.getSection(Section.ANSWER), response.getSection(Section.AUTHORITY),
            response.getHeader().getFlag(Flags.AD), response.getHeader().getFlag(Flags.RA));
        cache.put(key, answer);
        return answer;
    }

    /** TXT records at {@code name}, each with its character strings joined (RFC 7208 3.3). */
    public List<String> txt(String name) throws DnsFailure {
        return query(name, Type.TXT).records(Type.TXT, TXTRecord.class).stream()
            .map(r -> String.join("", r.getStrings()))
            .toList();
    }

    /** A then AAAA addresses of {@code host}. */
    public List<InetAddress> addresses(String host) throws DnsFailure {
        List<InetAddress> addresses = new ArrayList<>();
        query(host, Type.A).records(Type.A, ARecord.class).forEach(r -> addresses.add(r.getAddress()));
        query(host, Type.AAAA).records(Type.AAAA, AAAARecord.class).forEach(r -> addresses.add(r.getAddress()));
        return addresses;
    }

    /** The names in the PTR records of {@code address}. */
    public List<String> ptr(InetAddress address) throws DnsFailure {
        return query(ReverseMap.fromAddress(address).toString(), Type.PTR).records(Type.PTR, PTRRecord.class)
            .stream().map(r -> hostName(r.getTarget())).collect(Collectors.toList());
    }

    /** A DNS name as people write it: lower case, no trailing dot. */
    public static String hostName(Name name) {
        return DnsResolver.normalize(name.toString());
    }

    /** {@link UnknownHostException} for OkHttp's DNS hook. */
    List<InetAddress> addressesOrUnknown(String host) throws UnknownHostException {
        try {
            List<InetAddress> addresses = addresses(host);
            if (addresses.isEmpty()) {
                throw new UnknownHostException(host + " has no A or AAAA record");
            }
            return addresses;
        } catch (DnsFailure e) {
            throw new UnknownHostException(e.getMessage());
        }
    }
}
