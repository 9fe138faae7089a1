package org.mailhook.attachments;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Verdicts for every attachment of one mail, plus warnings (e.g. virus scanner down with policy WARN).
 * Its JSON is the {@code mailhook.security} attribute that the message JSON embeds as {@code security}.
 */
public record ScanReport(List<AttachmentVerdict> attachments, List<String> warnings) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public ScanReport {
        attachments = List.copyOf(attachments);
        warnings = List.copyOf(warnings);
    }

    /** The worst verdict of any attachment. */
    public Verdict verdict() {
        return attachments.stream().map(AttachmentVerdict::verdict).reduce(Verdict.CLEAN, Verdict::worst);
    }

    /** Attachments that are not clean, in part order. */
    public List<AttachmentVerdict> flagged() {
        return attachments.stream().filter(a -> a.verdict() != Verdict.CLEAN).toList();
    }

    public Set<String> reasons() {
        Set<String> reasons = new LinkedHashSet<>();
        flagged().forEach(a -> reasons.addAll(a.reasons()));
        return reasons;
    }

    /** The report alone, as {@code mailhook scan} prints it. */
    public String toJson() {
        return toJson(Map.of(), Map.of());
    }

    /**
     * @param actionByVerdict per-attachment action to record, e.g. {@code dangerous → stripped}
     * @param extra more top-level fields (strings, booleans, numbers, maps of those)
     */
    public String toJson(Map<Verdict, String> actionByVerdict, Map<String, Object> extra) {
        ObjectNode root = JSON.createObjectNode();
        root.put("verdict", verdict().code());
        root.put("scanned", attachments.size());
        ArrayNode quarantined = root.putArray("quarantined");
        for (AttachmentVerdict attachment : flagged()) {
            ObjectNode node = quarantined.addObject();
            node.put("partId", attachment.partId());
            node.put("filename", attachment.filename());
            node.put("contentType", attachment.declaredType());
            node.put("detectedType", attachment.detectedType());
            node.put("size", attachment.size());
            node.put("verdict", attachment.verdict().code());
            String action = actionByVerdict.get(attachment.verdict());
            if (action != null) {
                node.put("action", action);
            }
            ArrayNode reasons = node.putArray("reasons");
            attachment.reasons().forEach(reasons::add);
            ArrayNode findings = node.putArray("findings");
            for (Finding finding : attachment.findings()) {
                findings.addObject().put("reason", finding.reason().code()).put("path", finding.path()).put("detail", finding.detail());
            }
        }
        ArrayNode warningsNode = root.putArray("warnings");
        warnings.forEach(warningsNode::add);
        extra.forEach((name, value) -> root.set(name, JSON.valueToTree(value)));
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain values always serializes", e);
        }
    }
}
