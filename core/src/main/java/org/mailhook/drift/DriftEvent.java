package org.mailhook.drift;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A {@code mailhook.dns_drift.v1} event: the domain, the changed items with before and after, and the
 * state of every watched item now (docs/schema/dns-drift-v1.json, docs/doctor.md).
 */
public record DriftEvent(DnsSnapshot before, DnsSnapshot after, List<DriftChange> changes) {
    public static final String SCHEMA = "mailhook.dns_drift.v1";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public DriftEvent {
        changes = List.copyOf(changes);
    }

    /** {@code drift_} and 32 hex digits of a hash of the domain, the time and the changes: the same on every delivery attempt. */
    public String id() {
        StringBuilder text = new StringBuilder(after.domain()).append('\n').append(after.takenAt());
        changes.forEach(change -> text.append('\n').append(change));
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return "drift_" + HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    public byte[] toJson() {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("schema", SCHEMA);
        root.put("id", id());
        root.put("domain", after.domain());
        root.put("resolver", after.resolver());
        root.put("checkedAt", after.takenAt().toString());
        root.put("previousCheckedAt", before.takenAt().toString());
        var list = root.putArray("changes");
        for (DriftChange change : changes) {
            ObjectNode entry = list.addObject().put("item", change.item());
            item(entry.putObject("before"), change.before());
            item(entry.putObject("after"), change.after());
        }
        ObjectNode records = root.putObject("records");
        for (Map.Entry<String, DriftItem> item : after.items().entrySet()) {
            item(records.putObject(item.getKey()), item.getValue());
        }
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings always serializes", e);
        }
    }

    private static void item(ObjectNode node, DriftItem item) {
        node.put("state", item.state().label());
        if (item.state() == DriftItem.State.PRESENT) {
            node.put("value", item.value());
        } else {
            node.putNull("value");
        }
    }
}
