package org.mailhook.webadmin;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.Optional;
import java.util.stream.Stream;

import org.mailhook.reports.ReportKind;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the pull API's search parameters select: {@code recipient} (envelope RCPT TO, To, Cc),
 * {@code sender} (envelope MAIL FROM, From), {@code subject}, each a case-insensitive substring, and
 * {@code since}/{@code until} (ISO-8601 instants, on the archive time, {@code until} exclusive) and
 * {@code report} (mails that carry a DMARC or TLS report: {@code any} or one kind, {@code dmarc-aggregate},
 * {@code tls-rpt}, {@code dmarc-failure}), and {@code spf}, {@code dkim}, {@code dmarc}, {@code arc}: the
 * verdict's result taken at receipt, exactly ({@code pass}, {@code fail}, {@code none}, …; a mail with
 * several DKIM signatures matches when one of them has it, and one never checked counts as {@code none}).
 */
record MessageSearch(Optional<String> recipient, Optional<String> sender, Optional<String> subject,
                     Optional<Instant> since, Optional<Instant> until, Optional<String> report, Map<String, String> verdicts) {
    /** The verdicts of the JSON's {@code auth} section a search can select on, each a query parameter. */
    static final List<String> VERDICTS = List.of("spf", "dkim", "dmarc", "arc");
    /** The {@code report} value that selects every report kind. */
    static final String ANY_REPORT = "any";
    private static final List<String> REPORTS = Stream.concat(Stream.of(ANY_REPORT), Arrays.stream(ReportKind.values()).map(ReportKind::label))
        .toList();

    static MessageSearch parse(String recipient, String sender, String subject, String since, String until) {
        return parse(recipient, sender, subject, since, until, null, name -> null);
    }

    /**
     * @param verdict the value of each {@link #VERDICTS} parameter, {@code null} when absent
     * @throws IllegalArgumentException naming the parameter that is not an instant, a report kind that does
     *     not exist, or a verdict that is not a result word
     */
    static MessageSearch parse(String recipient, String sender, String subject, String since, String until, String report,
                               Function<String, String> verdict) {
        Optional<String> kind = text(report);
        if (kind.isPresent() && !REPORTS.contains(kind.get())) {
            throw new IllegalArgumentException("report must be one of " + String.join(", ", REPORTS));
        }
        Map<String, String> verdicts = new LinkedHashMap<>();
        for (String name : VERDICTS) {
            Optional<String> result = text(verdict.apply(name));
            if (result.isPresent() && !result.get().matches("[a-z]{1,20}")) {
                throw new IllegalArgumentException(name + " must be a result like pass, fail, none, permerror or temperror");
            }
            result.ifPresent(r -> verdicts.put(name, r));
        }
        return new MessageSearch(text(recipient), text(sender), text(subject), instant("since", since), instant("until", until), kind,
            Map.copyOf(verdicts));
    }

    boolean isEverything() {
        return recipient.isEmpty() && sender.isEmpty() && subject.isEmpty() && since.isEmpty() && until.isEmpty() && report.isEmpty()
            && verdicts.isEmpty();
    }

    /** Whether the archive time alone already rules the mail out (no need to read it). */
    boolean archivedInRange(long archivedAtMillis) {
        return since.map(s -> archivedAtMillis >= s.toEpochMilli()).orElse(true)
            && until.map(u -> archivedAtMillis < u.toEpochMilli()).orElse(true);
    }

    boolean matches(JsonNode message) {
        if (message == null || message.isNull()) {
            return recipient.isEmpty() && sender.isEmpty() && subject.isEmpty() && report.isEmpty() && verdicts.isEmpty();
        }
        return recipient.map(r -> anyContains(message.path("envelope").path("rcptTo"), r) || anyAddressContains(message.path("to"), r)
                || anyAddressContains(message.path("cc"), r)).orElse(true)
            && sender.map(s -> contains(message.path("envelope").path("mailFrom").asText(""), s)
                || anyAddressContains(message.path("from"), s)).orElse(true)
            && subject.map(s -> contains(message.path("subject").asText(""), s)).orElse(true)
            && report.map(kind -> message.path("report").isObject()
                && (kind.equals(ANY_REPORT) || kind.equals(message.path("report").path("kind").asText("")))).orElse(true)
            && verdicts.entrySet().stream().allMatch(v -> hasVerdict(message.path("auth").path(v.getKey()), v.getValue()));
    }

    /** {@code verdict} is one result object or, for DKIM, a list of them, one per signature. */
    private static boolean hasVerdict(JsonNode verdict, String result) {
        if (verdict.isMissingNode() || verdict.isNull() || (verdict.isArray() && verdict.isEmpty())) {
            return result.equals("none");
        }
        for (JsonNode one : verdict.isArray() ? verdict : List.of(verdict)) {
            if (result.equals(one.path("result").asText("").toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyContains(JsonNode values, String needle) {
        for (JsonNode value : values) {
            if (contains(value.asText(""), needle)) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyAddressContains(JsonNode addresses, String needle) {
        for (JsonNode address : addresses) {
            if (contains(address.path("address").asText(""), needle) || contains(address.path("name").asText(""), needle)) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(String haystack, String needle) {
        return haystack.toLowerCase(Locale.ROOT).contains(needle);
    }

    private static Optional<String> text(String value) {
        return Optional.ofNullable(value).map(String::trim).filter(v -> !v.isEmpty()).map(v -> v.toLowerCase(Locale.ROOT));
    }

    private static Optional<Instant> instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(value.trim()));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be an ISO-8601 instant like 2026-12-07T18:00:00Z");
        }
    }
}
