package org.mailhook.drift;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The baseline of each watched domain and the events its snapshots give. The first snapshot of a
 * domain is its baseline and gives no event; each later one is compared with the baseline and then
 * becomes it (failed lookups keep the last known value, {@link DnsSnapshot#carryingOver}).
 */
public final class DriftWatch {
    private final Map<String, DnsSnapshot> baselines = new HashMap<>();

    /** @return the event listing every changed item, or empty for a first snapshot or no change */
    public synchronized Optional<DriftEvent> observe(DnsSnapshot snapshot) {
        DnsSnapshot baseline = baselines.get(snapshot.domain());
        if (baseline == null) {
            baselines.put(snapshot.domain(), snapshot);
            return Optional.empty();
        }
        List<DriftChange> changes = DriftChange.between(baseline, snapshot);
        DnsSnapshot next = snapshot.carryingOver(baseline);
        baselines.put(snapshot.domain(), next);
        return changes.isEmpty() ? Optional.empty() : Optional.of(new DriftEvent(baseline, snapshot, changes));
    }
}
