package org.mailhook.doctor;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.mailhook.doctor.DoctorDns.DnsFailure;

/**
 * The MX targets: every host resolves, every address has a PTR that resolves back to it (FCrDNS), and
 * the hosts sit in distinct failure domains (addresses, and /24 or /48 networks as far as DNS shows).
 */
final class MxTargetCheck {

    record Result(List<Finding> findings, Map<String, List<InetAddress>> addresses) {
    }

    private final DoctorDns dns;

    MxTargetCheck(DoctorDns dns) {
        this.dns = dns;
    }

    Result check(String domain, List<String> hosts) {
        List<Finding> findings = new ArrayList<>();
        Map<String, List<InetAddress>> addresses = new LinkedHashMap<>();
        for (String host : hosts) {
            List<InetAddress> found;
            try {
                found = dns.addresses(host);
            } catch (DnsFailure e) {
                findings.add(Finding.fail("target.address", host, "address lookup failed: " + e.getMessage(),
                    "make sure the MX host's zone answers for A and AAAA"));
                continue;
            }
            if (found.isEmpty()) {
                findings.add(Finding.fail("target.address", host, "no A or AAAA record: senders cannot reach this MX",
                    "publish an A (and/or AAAA) record for the MX host"));
                continue;
            }
            findings.add(Finding.pass("target.address", host, "resolves to " + text(found)));
            addresses.put(host, found);
            for (InetAddress address : found) {
                reverse(host, address, findings);
            }
        }
        failureDomains(domain, addresses, findings);
        return new Result(findings, addresses);
    }

    private void reverse(String host, InetAddress address, List<Finding> findings) {
        String subject = host + " [" + address.getHostAddress() + "]";
        List<String> names;
        try {
            names = dns.ptr(address);
        } catch (DnsFailure e) {
            findings.add(Finding.warn("target.ptr", subject, "PTR lookup failed: " + e.getMessage(),
                "ask the address owner for a PTR record naming the MX host"));
            return;
        }
        if (names.isEmpty()) {
            findings.add(Finding.warn("target.ptr", subject, "no PTR record for " + address.getHostAddress(),
                "ask the address owner (hosting provider) for a PTR record naming " + host));
            return;
        }
        findings.add(Finding.pass("target.ptr", subject, "PTR " + String.join(", ", names)));
        for (String name : names) {
            try {
                if (dns.addresses(name).contains(address)) {
                    findings.add(Finding.pass("target.fcrdns", subject, "PTR " + name + " resolves back to " + address.getHostAddress()));
                    return;
                }
            } catch (DnsFailure e) {
                // another PTR name may still confirm the address; reported below when none does
            }
        }
        findings.add(Finding.warn("target.fcrdns", subject,
            "PTR " + String.join(", ", names) + " does not resolve back to " + address.getHostAddress(),
            "make the PTR name's A/AAAA record include this address (forward-confirmed reverse DNS)"));
    }

    private static void failureDomains(String domain, Map<String, List<InetAddress>> addresses, List<Finding> findings) {
        if (addresses.size() < 2) {
            return;
        }
        Map<InetAddress, Set<String>> hostsByAddress = new LinkedHashMap<>();
        Set<String> networks = new LinkedHashSet<>();
        addresses.forEach((host, list) -> list.forEach(address -> {
            hostsByAddress.computeIfAbsent(address, a -> new LinkedHashSet<>()).add(host);
            networks.add(network(address));
        }));
        List<String> shared = hostsByAddress.entrySet().stream().filter(e -> e.getValue().size() > 1)
            .map(e -> String.join(" and ", e.getValue()) + " share " + e.getKey().getHostAddress()).toList();
        if (shared.isEmpty()) {
            findings.add(Finding.pass("mx.distinct-addresses", domain, "MX hosts have distinct addresses"));
        } else {
            findings.add(Finding.warn("mx.distinct-addresses", domain, String.join("; ", shared),
                "run the MX hosts on different machines with different addresses; a shared address is one failure domain"));
        }
        if (networks.size() > 1) {
            findings.add(Finding.pass("mx.distinct-networks", domain, "MX addresses span " + networks.size() + " networks " + networks));
        } else {
            findings.add(Finding.warn("mx.distinct-networks", domain, "every MX address is in " + networks.iterator().next(),
                "put a backup MX in another network (different /24 or /48, ideally another provider)"));
        }
    }

    /** The /24 (IPv4) or /48 (IPv6) network of an address: the widest boundary a single site usually has. */
    static String network(InetAddress address) {
        byte[] bytes = address.getAddress();
        int prefixBytes = address instanceof Inet4Address ? 3 : 6;
        byte[] masked = Arrays.copyOf(Arrays.copyOf(bytes, prefixBytes), bytes.length);
        try {
            return InetAddress.getByAddress(masked).getHostAddress() + "/" + prefixBytes * 8;
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes always make an address", e);
        }
    }

    static String text(List<InetAddress> addresses) {
        return String.join(", ", addresses.stream().map(InetAddress::getHostAddress).toList());
    }
}
