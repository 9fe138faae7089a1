package org.mailhook.reports;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the fields of a {@code message/feedback-report} part (ARF, RFC 5965 3.5) that is a DMARC failure
 * report (feedback type {@code auth-failure}, RFC 6591). Other feedback types (abuse, fraud ...) are not
 * DMARC reports and give none.
 */
final class FeedbackReportFields {
    private FeedbackReportFields() {
    }

    /** The failure report, or null when the part is feedback of another type. */
    static Report read(byte[] body) throws ReportException {
        Map<String, List<String>> fields = fields(new String(body, StandardCharsets.UTF_8));
        String feedbackType = first(fields, "feedback-type");
        if (feedbackType == null) {
            throw new ReportException("feedback report has no Feedback-Type field", true);
        }
        if (!feedbackType.toLowerCase(Locale.ROOT).equals("auth-failure")) {
            return null;
        }
        Report.FailureReport failure = new Report.FailureReport(feedbackType.toLowerCase(Locale.ROOT),
            first(fields, "user-agent"), first(fields, "version"), unbracket(first(fields, "original-mail-from")),
            all(fields, "original-rcpt-to").stream().map(FeedbackReportFields::unbracket).toList(), first(fields, "arrival-date"), first(fields, "source-ip"),
            first(fields, "reported-domain"), first(fields, "auth-failure"), first(fields, "delivery-result"),
            first(fields, "identity-alignment"), first(fields, "dkim-domain"), first(fields, "dkim-identity"),
            first(fields, "dkim-selector"), first(fields, "spf-dns"), first(fields, "authentication-results"),
            first(fields, "original-envelope-id"), all(fields, "reported-uri"));
        return new Report(ReportKind.DMARC_FAILURE, null, null, null, null, null, List.of(), List.of(), failure, 0);
    }

    /** An address without the angle brackets some reporters keep ({@code <a@b>}); {@code <>} stays empty. */
    private static String unbracket(String address) {
        return address != null && address.length() >= 2 && address.startsWith("<") && address.endsWith(">")
            ? address.substring(1, address.length() - 1).strip() : address;
    }

    /** Header-style fields by lower-case name, unfolded; lines that are not fields are skipped. */
    private static Map<String, List<String>> fields(String text) {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        String name = null;
        StringBuilder value = new StringBuilder();
        for (String line : text.split("\r?\n", -1)) {
            if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t') && name != null) {
                value.append(' ').append(line.strip());
                continue;
            }
            add(fields, name, value);
            name = null;
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().matches("[!-9;-~]+")) {
                name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                value.setLength(0);
                value.append(line.substring(colon + 1).strip());
            }
        }
        add(fields, name, value);
        return fields;
    }

    private static void add(Map<String, List<String>> fields, String name, StringBuilder value) {
        if (name != null && !value.toString().isBlank()) {
            fields.computeIfAbsent(name, k -> new ArrayList<>()).add(value.toString().strip());
        }
    }

    private static String first(Map<String, List<String>> fields, String name) {
        List<String> values = fields.get(name);
        return values == null ? null : values.get(0);
    }

    private static List<String> all(Map<String, List<String>> fields, String name) {
        return fields.getOrDefault(name, List.of());
    }
}
