package org.mailhook.drift;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The watched records of one domain at one moment, by item id ({@code mx}, {@code ns}, {@code spf},
 * {@code dmarc}, {@code mta-sts}, {@code tls-rpt}, {@code dkim.SELECTOR}), in id order.
 */
public record DnsSnapshot(String domain, String resolver, Instant takenAt, Map<String, DriftItem> items) {

    public DnsSnapshot {
        items = Collections.unmodifiableMap(new TreeMap<>(items));
    }

    /**
     * This snapshot as the next baseline: an item whose lookup failed keeps what {@code previous} knew,
     * so a record that was unreachable for a while and is back unchanged is no change.
     */
    public DnsSnapshot carryingOver(DnsSnapshot previous) {
        Map<String, DriftItem> merged = new TreeMap<>(items);
        merged.replaceAll((id, item) -> item.known() ? item : previous.items().getOrDefault(id, item));
        return new DnsSnapshot(domain, resolver, takenAt, merged);
    }
}
