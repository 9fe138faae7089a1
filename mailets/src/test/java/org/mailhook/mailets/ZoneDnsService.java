package org.mailhook.mailets;

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

/** A James DNSService answering from a DNS.json zone, as James' own DNS would, for mailet tests. */
public final class ZoneDnsService implements DNSService {
    private final DnsResolver zone;

    public ZoneDnsService(DnsResolver zone) {
        this.zone = zone;
    }

    @Override
    public Collection<String> findMXRecords(String hostname) throws TemporaryResolutionException {
        DnsAnswer<MxRecord> answer = zone.mx(hostname);
        if (answer.isTempFailure()) {
            throw new TemporaryResolutionException("timeout");
        }
        return answer.records().stream().sorted((a, b) -> Integer.compare(a.priority(), b.priority()))
            .map(MxRecord::exchange).toList();
    }

    @Override
    public Collection<String> findTXTRecords(String hostname) {
        return zone.txt(hostname).records();
    }

    @Override
    public Collection<InetAddress> getAllByName(String host) throws UnknownHostException {
        List<InetAddress> all = new ArrayList<>(zone.a(host).records());
        all.addAll(zone.aaaa(host).records());
        if (all.isEmpty()) {
            throw new UnknownHostException(host);
        }
        return all;
    }

    @Override
    public InetAddress getByName(String host) throws UnknownHostException {
        return getAllByName(host).iterator().next();
    }

    @Override
    public InetAddress getLocalHost() throws UnknownHostException {
        return InetAddress.getLoopbackAddress();
    }

    @Override
    public String getHostName(InetAddress addr) {
        List<String> names = zone.ptr(addr).records();
        return names.isEmpty() ? addr.getHostAddress() : names.get(0);
    }
}
