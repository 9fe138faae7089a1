package org.mailhook.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Live DNS through dnsjava, with a per-query timeout; the system's resolvers (those of
 * {@code /etc/resolv.conf}, as James' {@code dnsservice.xml} autodiscovers them) unless servers are given
 * ({@code 192.0.2.53} or {@code 192.0.2.53:5353}). NXDOMAIN and "no records of that type" are not found;
 * SERVFAIL, REFUSED and timeouts are temporary failures. TXT character-strings are joined as RFC 7208
 * section 3.3 and RFC 6376 section 3.6.2.2 ask; CNAMEs are followed; MX preferences are kept.
 *
 * <p>Answers, including NXDOMAIN and "no data" (for the SOA minimum, RFC 2308), are kept in a bounded
 * cache for their TTL, so a burst of mail from one sender costs one lookup per record; temporary
 * failures are never cached.
 */
public final class DnsJavaResolver implements DnsResolver {
    /** Entries kept when the caller does not say: a few thousand sender domains' SPF, DKIM and DMARC records. */
    public static final int DEFAULT_CACHE_ENTRIES = 10_000;

    private final Resolver resolver;
    private final Cache cache;

    /** A resolver without cache, for one-off queries (the CLI). */
    public DnsJavaResolver(Duration timeout, String... servers) throws UnknownHostException {
        this(timeout, 0, servers);
    }

    /**
     * @param cacheEntries how many answers to keep for their TTL; 0 keeps none
     */
    public DnsJavaResolver(Duration timeout, int cacheEntries, String... servers) throws UnknownHostException {
        if (cacheEntries > 0) {
            cache = new Cache(DClass.IN);
            cache.setMaxEntries(cacheEntries);
        } else {
            cache = null;
        }
        List<Resolver> chosen = new ArrayList<>();
        for (String server : servers) {
            chosen.add(simpleResolver(server));
        }
        ExtendedResolver extended = chosen.isEmpty() ? new ExtendedResolver() : new ExtendedResolver(chosen);
        extended.setTimeout(timeout);
        extended.setRetries(1);
        this.resolver = extended;
    }

    private static SimpleResolver simpleResolver(String server) throws UnknownHostException {
        int colon = server.lastIndexOf(':');
        // host:port, but not a bare IPv6 address (several colons) unless bracketed: [2001:db8::53]:53
        boolean hasPort = colon > 0 && (server.indexOf(':') == colon || server.startsWith("["));
        String host = hasPort ? server.substring(0, colon) : server;
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        SimpleResolver simple = new SimpleResolver(host);
        if (hasPort) {
            try {
                simple.setPort(Integer.parseInt(server.substring(colon + 1)));
            } catch (NumberFormatException e) {
                throw new UnknownHostException("bad port in DNS server " + server);
            }
        }
        return simple;
    }

    @Override
    public DnsAnswer<String> txt(String name) {
        return lookup(name, Type.TXT, record -> String.join("", ((TXTRecord) record).getStrings()));
    }

    @Override
    public DnsAnswer<InetAddress> a(String name) {
        return lookup(name, Type.A, record -> ((ARecord) record).getAddress());
    }

    @Override
    public DnsAnswer<InetAddress> aaaa(String name) {
        return lookup(name, Type.AAAA, record -> ((AAAARecord) record).getAddress());
    }

    @Override
    public DnsAnswer<MxRecord> mx(String name) {
        return lookup(name, Type.MX, record -> new MxRecord(((MXRecord) record).getPriority(),
            DnsResolver.normalize(((MXRecord) record).getTarget().toString())));
    }

    @Override
    public DnsAnswer<String> ptr(InetAddress address) {
        return lookup(DnsResolver.reverseName(address), Type.PTR,
            record -> DnsResolver.normalize(((PTRRecord) record).getTarget().toString()));
    }

    @Override
    public DnsAnswer<String> cname(String name) {
        return lookup(name, Type.CNAME, record -> DnsResolver.normalize(((CNAMERecord) record).getTarget().toString()));
    }

    private <T> DnsAnswer<T> lookup(String name, int type, Function<Record, T> convert) {
        Lookup lookup;
        try {
            lookup = new Lookup(Name.fromString(name.endsWith(".") ? name : name + "."), type);
        } catch (TextParseException e) {
            // A name DNS cannot carry (label over 63 octets ...) cannot exist.
            return DnsAnswer.notFound();
        }
        lookup.setResolver(resolver);
        lookup.setCache(cache);
        Record[] records = lookup.run();
        switch (lookup.getResult()) {
            case Lookup.SUCCESSFUL:
                List<T> converted = new ArrayList<>();
                for (Record record : records) {
                    if (record.getType() == type) {
                        converted.add(convert.apply(record));
                    }
                }
                return DnsAnswer.found(converted);
            case Lookup.HOST_NOT_FOUND:
            case Lookup.TYPE_NOT_FOUND:
                return DnsAnswer.notFound();
            default:
                return DnsAnswer.tempFailure();
        }
    }
}
