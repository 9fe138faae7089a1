package org.mailhook.auth.dmarc;

import java.util.Locale;
import java.util.Optional;

import org.mailhook.auth.dkim.TagList;

/**
 * A parsed {@code v=DMARC1} policy record (RFC 7489 section 6.3).
 *
 * @param policy p= (none, quarantine, reject)
 * @param subdomainPolicy sp=, defaulting to p=
 * @param percent pct=, 0 to 100
 */
record DmarcRecord(String policy, String subdomainPolicy, int percent, boolean strictDkim, boolean strictSpf) {

    static boolean isDmarc1(String txt) {
        return txt.matches("(?s)\\s*v\\s*=\\s*DMARC1\\s*(;.*)?");
    }

    /** The record, or empty when it is not usable (6.6.3: then no policy applies). */
    static Optional<DmarcRecord> parse(String text) {
        Optional<TagList> parsed = TagList.parse(text);
        if (parsed.isEmpty() || !"v".equals(parsed.get().firstTag())) {
            return Optional.empty();
        }
        TagList tags = parsed.get();
        String policy = policy(tags.get("p"));
        if (policy == null) {
            // A record with a reporting address but no valid p= is treated as p=none (6.6.3).
            if (!tags.has("rua")) {
                return Optional.empty();
            }
            policy = "none";
        }
        String subdomainPolicy = policy(tags.get("sp"));
        int percent = 100;
        String pct = tags.get("pct");
        if (pct != null && pct.matches("[0-9]{1,3}")) {
            percent = Math.min(100, Integer.parseInt(pct));
        }
        return Optional.of(new DmarcRecord(policy, subdomainPolicy == null ? policy : subdomainPolicy, percent,
            "s".equalsIgnoreCase(tags.get("adkim")), "s".equalsIgnoreCase(tags.get("aspf"))));
    }

    private static String policy(String value) {
        if (value == null) {
            return null;
        }
        String lower = value.toLowerCase(Locale.ROOT);
        return lower.equals("none") || lower.equals("quarantine") || lower.equals("reject") ? lower : null;
    }
}
