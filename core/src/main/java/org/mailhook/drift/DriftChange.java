package org.mailhook.drift;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One watched item that differs between two snapshots: its id, what it was and what it is. */
public record DriftChange(String item, DriftItem before, DriftItem after) {

    /**
     * The items known in both snapshots whose state or value differ, in id order. An item whose lookup
     * failed on either side is not compared (its state is reported, not a removal); an item watched on
     * one side only (the configuration changed) is not compared either.
     */
    public static List<DriftChange> between(DnsSnapshot before, DnsSnapshot after) {
        List<DriftChange> changes = new ArrayList<>();
        for (Map.Entry<String, DriftItem> now : after.items().entrySet()) {
            DriftItem then = before.items().get(now.getKey());
            if (then != null && then.known() && now.getValue().known() && !then.equals(now.getValue())) {
                changes.add(new DriftChange(now.getKey(), then, now.getValue()));
            }
        }
        return changes;
    }
}
