package org.mailhook.doctor;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.mailhook.doctor.Finding.Status;

/** All findings of one {@code mailhook doctor} run, as text for people or JSON for CI. */
public record Report(String domain, String resolver, Instant checkedAt, List<Finding> findings) {

    public Report {
        findings = List.copyOf(findings);
    }

    /** The findings with this id, in report order. */
    public List<Finding> findings(String id) {
        return findings.stream().filter(f -> f.id().equals(id)).toList();
    }

    public Status worst() {
        return findings.stream().map(Finding::status).max(Enum::compareTo).orElse(Status.PASS);
    }

    public long count(Status status) {
        return findings.stream().filter(f -> f.status() == status).count();
    }

    public String toText() {
        StringBuilder text = new StringBuilder();
        text.append("mailhook doctor ").append(domain).append(" (resolver ").append(resolver)
            .append(", ").append(checkedAt).append(")\n\n");
        int idWidth = findings.stream().mapToInt(f -> f.id().length()).max().orElse(10);
        for (Finding finding : findings) {
            text.append(String.format("%-4s  %-" + idWidth + "s  %s: %s%n",
                finding.status().name(), finding.id(), finding.subject(), finding.message()));
            if (!finding.advice().isEmpty()) {
                text.append(" ".repeat(idWidth + 8)).append("advice: ").append(finding.advice()).append('\n');
            }
        }
        text.append(String.format("%n%d pass, %d warn, %d fail%n", count(Status.PASS), count(Status.WARN), count(Status.FAIL)));
        return text.toString();
    }

    public String toJson() {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("domain", domain);
        root.put("resolver", resolver);
        root.put("checkedAt", checkedAt.toString());
        root.put("status", worst().label());
        ObjectNode summary = root.putObject("summary");
        for (Status status : Status.values()) {
            summary.put(status.label(), count(status));
        }
        ArrayNode list = root.putArray("findings");
        for (Finding finding : findings) {
            list.addObject()
                .put("id", finding.id())
                .put("status", finding.status().label())
                .put("subject", finding.subject())
                .put("message", finding.message())
                .put("advice", finding.advice());
        }
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serializes", e);
        }
    }
}
