package org.mailhook.mailets;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.dnsservice.api.TemporaryResolutionException;
import org.mailhook.dns.DnsAnswer;
import org.mailhook.dns.DnsResolver;
import org.mailhook.dns.MxRecord;

import com.google.common.net.InetAddresses;

/**
 * The authentication engines' resolver over James' {@link DNSService}, so mail is checked with the
 * DNS James is configured with (and tests can override it). DNSService's limits carry over: TXT and
 * address lookups cannot report a temporary failure (they answer nothing; wrap in a TimeoutResolver
 * for hangs), MX answers come in preference order without the numbers, and CNAME is not offered.
 */
public final class JamesDnsResolver implements DnsResolver {
    private final DNSService dns;

    public JamesDnsResolver(DNSService dns) {
        this.dns = dns;
    }

    @Override
    public DnsAnswer<String> txt(String name) {
        return DnsAnswer.found(List.copyOf(dns.findTXTRecords(name)));
    }

    @Override
    public DnsAnswer<InetAddress> a(String name) {
        return addresses(name, Inet4Address.class);
    }

    @Override
    public DnsAnswer<InetAddress> aaaa(String name) {
        return addresses(name, Inet6Address.class);
    }

    @Override
    public DnsAnswer<MxRecord> mx(String name) {
        try {
            Collection<String> hosts = dns.findMXRecords(name);
            List<MxRecord> records = new ArrayList<>();
            int preference = 0;
            for (String host : hosts) {
                records.add(new MxRecord(preference++, DnsResolver.normalize(host)));
            }
            return DnsAnswer.found(records);
        } catch (TemporaryResolutionException e) {
            return DnsAnswer.tempFailure();
        }
    }

    @Override
    public DnsAnswer<String> ptr(InetAddress address) {
        String name = dns.getHostName(address);
        // DNSService answers the address literal itself when there is no PTR record.
        if (name == null || InetAddresses.isInetAddress(name)) {
            return DnsAnswer.notFound();
        }
        return DnsAnswer.found(List.of(DnsResolver.normalize(name)));
    }

    @Override
    public DnsAnswer<String> cname(String name) {
        return DnsAnswer.notFound();
    }

    private DnsAnswer<InetAddress> addresses(String name, Class<? extends InetAddress> family) {
        try {
            return DnsAnswer.found(dns.getAllByName(name).stream().filter(family::isInstance).toList());
        } catch (UnknownHostException e) {
            return DnsAnswer.notFound();
        }
    }
}
