package org.mailhook.spam;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.mailhook.config.Cidr;

/**
 * Mail that must never be rejected or delayed for spam at SMTP time: senders (exact envelope addresses,
 * or whole domains written {@code @domain} or {@code domain}) and client networks in CIDR form
 * ({@code 192.0.2.0/24}, {@code 2001:db8::/32}, a bare address for one host). Such mail is still scored.
 * The envelope sender is the client's claim: list senders for convenience, networks for trust.
 */
public final class Allowlist {
    public static final Allowlist NONE = new Allowlist(Set.of(), Set.of(), List.of());

    private final Set<String> senders;
    private final Set<String> domains;
    private final List<Cidr> networks;

    private Allowlist(Set<String> senders, Set<String> domains, List<Cidr> networks) {
        this.senders = Set.copyOf(senders);
        this.domains = Set.copyOf(domains);
        this.networks = List.copyOf(networks);
    }

    /**
     * @param senders comma- or space-separated addresses and domains; blank: none
     * @param networks comma- or space-separated CIDR networks or addresses; blank: none
     * @throws IllegalArgumentException starting {@code allowSenders:} or {@code allowNetworks:}, naming the entry
     */
    public static Allowlist parse(Optional<String> senders, Optional<String> networks) {
        Set<String> addresses = new HashSet<>();
        Set<String> domains = new HashSet<>();
        for (String entry : entries(senders)) {
            String lower = entry.toLowerCase(Locale.ROOT);
            int at = lower.lastIndexOf('@');
            String domain = at < 0 ? lower : lower.substring(at + 1);
            if (!domain.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?") || (at > 0 && lower.substring(0, at).isBlank())) {
                throw new IllegalArgumentException("allowSenders: '" + entry + "' is not an address, @domain or domain");
            }
            if (at > 0) {
                addresses.add(lower);
            } else {
                domains.add(domain);
            }
        }
        List<Cidr> parsed = new ArrayList<>();
        for (String entry : entries(networks)) {
            parsed.add(network(entry));
        }
        return new Allowlist(addresses, domains, parsed);
    }

    private static List<String> entries(Optional<String> text) {
        return text.filter(t -> !t.isBlank()).map(t -> List.of(t.trim().split("[,\\s]+"))).orElse(List.of());
    }

    private static Cidr network(String entry) {
        try {
            return Cidr.parse(entry);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("allowNetworks: '" + entry + "' is not a network (like 192.0.2.0/24 or 2001:db8::/32)", e);
        }
    }

    /**
     * @param sender the envelope sender, or null for {@code <>}
     * @param client the SMTP client's address, or null when unknown
     */
    public boolean allows(String sender, InetAddress client) {
        if (sender != null) {
            String lower = sender.toLowerCase(Locale.ROOT);
            int at = lower.lastIndexOf('@');
            if (senders.contains(lower) || (at >= 0 && domains.contains(lower.substring(at + 1)))) {
                return true;
            }
        }
        if (client != null) {
            return networks.stream().anyMatch(network -> network.contains(client));
        }
        return false;
    }

    public boolean isEmpty() {
        return senders.isEmpty() && domains.isEmpty() && networks.isEmpty();
    }
}
