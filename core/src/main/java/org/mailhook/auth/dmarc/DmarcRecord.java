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

    /** Whether the record starts with the v=DMARC1 tag; the others are discarded (6.6.3 steps 2 and 4). */
    static boolean isDmarc1(String txt) {
        return txt.matches("(?s)\\s*[vV]\\s*=\\s*DMARC1\\s*(;.*)?");
    }

    /**
     * The policy of a v=DMARC1 record, or empty when none applies (6.6.3 step 6): a record without a
     * valid p=, or with an invalid sp=, counts as p=none when its rua= holds a syntactically valid URI,
     * and otherwise is no policy. Other invalid values fall back to their defaults (6.3).
     */
    static Optional<DmarcRecord> parse(String text) {
        Optional<TagList> parsed = TagList.parse(text);
        if (parsed.isEmpty() || !"v".equalsIgnoreCase(parsed.get().firstTag())) {
            return Optional.empty();
        }
        TagList tags = parsed.get();
        String policy = policy(tags.get("p"));
        String subdomainPolicy = tags.has("sp") ? policy(tags.get("sp")) : policy;
        if (policy == null || subdomainPolicy == null) {
            if (!hasValidReportUri(tags.get("rua"))) {
                return Optional.empty();
            }
            policy = "none";
            subdomainPolicy = "none";
        }
        int percent = 100;
        String pct = tags.get("pct");
        if (pct != null && pct.matches("[0-9]{1,3}") && Integer.parseInt(pct) <= 100) {
            percent = Integer.parseInt(pct);
        }
        return Optional.of(new DmarcRecord(policy, subdomainPolicy, percent,
            "s".equalsIgnoreCase(tags.get("adkim")), "s".equalsIgnoreCase(tags.get("aspf"))));
    }

    private static String policy(String value) {
        if (value == null) {
            return null;
        }
        String lower = value.toLowerCase(Locale.ROOT);
        return lower.equals("none") || lower.equals("quarantine") || lower.equals("reject") ? lower : null;
    }

    /** At least one comma-separated entry is a URI (RFC 3986 scheme ":" ...) with an optional !size (6.4). */
    private static boolean hasValidReportUri(String rua) {
        if (rua == null) {
            return false;
        }
        for (String uri : rua.split(",")) {
            if (uri.strip().matches("[A-Za-z][A-Za-z0-9+.-]*:[^\\s!]+(![0-9]+[kmgtKMGT]?)?")) {
                return true;
            }
        }
        return false;
    }
}
