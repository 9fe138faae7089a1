package org.mailhook.attachments;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What routing needs from a {@code mailhook.security} attribute: the mail's verdict, the reason
 * codes of its flagged attachments, and whether an operator released it from quarantine.
 */
public record SecuritySummary(Verdict verdict, Set<String> reasons, boolean released) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public SecuritySummary {
        reasons = Set.copyOf(reasons);
    }

    /** Empty when the text is not a security report (then there is nothing to route on). */
    public static Optional<SecuritySummary> parse(String json) {
        try {
            JsonNode root = JSON.readTree(json);
            if (root == null || !root.path("verdict").isTextual()) {
                return Optional.empty();
            }
            Set<String> reasons = new LinkedHashSet<>();
            root.path("quarantined").forEach(part -> part.path("reasons").forEach(r -> reasons.add(r.asText())));
            return Optional.of(new SecuritySummary(Verdict.fromCode(root.path("verdict").asText()), reasons,
                root.path("released").asBoolean(false)));
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
