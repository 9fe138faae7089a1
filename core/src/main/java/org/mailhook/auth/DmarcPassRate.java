package org.mailhook.auth;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The DMARC pass rate by sender domain over a set of message JSON documents: for each domain DMARC was
 * evaluated for ({@code auth.dmarc.domain}, else the domain of the first {@code from} address), how many
 * mails passed and how many there were, and the results counted. No James types.
 */
public final class DmarcPassRate {
    /** One sender domain: mails, passes and each result's count. */
    public record Domain(String domain, long mails, long passed, Map<String, Long> results) {
        public double passRate() {
            return mails == 0 ? 0 : (double) passed / mails;
        }
    }

    private final Map<String, Map<String, Long>> byDomain = new HashMap<>();

    /** Counts one message JSON document (its {@code auth.dmarc} section; none counts as result {@code none}). */
    public void add(JsonNode message) {
        JsonNode dmarc = message.path("auth").path("dmarc");
        String domain = dmarc.path("domain").asText("");
        if (domain.isBlank()) {
            String from = message.path("from").path(0).path("address").asText("");
            domain = from.contains("@") ? from.substring(from.lastIndexOf('@') + 1) : "";
        }
        if (domain.isBlank()) {
            domain = "(no sender domain)";
        }
        String result = dmarc.path("result").asText("none").toLowerCase(Locale.ROOT);
        byDomain.computeIfAbsent(domain.toLowerCase(Locale.ROOT), d -> new HashMap<>()).merge(result.isBlank() ? "none" : result, 1L, Long::sum);
    }

    /** The domains, most mails first (then by name). */
    public List<Domain> domains() {
        List<Domain> domains = new ArrayList<>();
        byDomain.forEach((domain, results) -> domains.add(new Domain(domain, results.values().stream().mapToLong(Long::longValue).sum(),
            results.getOrDefault("pass", 0L), Map.copyOf(results))));
        domains.sort(Comparator.comparingLong(Domain::mails).reversed().thenComparing(Domain::domain));
        return domains;
    }
}
