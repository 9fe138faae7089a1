package org.mailhook.webadmin;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the pull API's search parameters select: {@code recipient} (envelope RCPT TO, To, Cc),
 * {@code sender} (envelope MAIL FROM, From), {@code subject}, each a case-insensitive substring, and
 * {@code since}/{@code until} (ISO-8601 instants, on the archive time, {@code until} exclusive).
 */
record MessageSearch(Optional<String> recipient, Optional<String> sender, Optional<String> subject,
                     Optional<Instant> since, Optional<Instant> until) {

    /** @throws IllegalArgumentException naming the parameter that is not an instant */
    static MessageSearch parse(String recipient, String sender, String subject, String since, String until) {
        return new MessageSearch(text(recipient), text(sender), text(subject), instant("since", since), instant("until", until));
    }

    boolean isEverything() {
        return recipient.isEmpty() && sender.isEmpty() && subject.isEmpty() && since.isEmpty() && until.isEmpty();
    }

    /** Whether the archive time alone already rules the mail out (no need to read it). */
    boolean archivedInRange(long archivedAtMillis) {
        return since.map(s -> archivedAtMillis >= s.toEpochMilli()).orElse(true)
            && until.map(u -> archivedAtMillis < u.toEpochMilli()).orElse(true);
    }

    boolean matches(JsonNode message) {
        if (message == null || message.isNull()) {
            return recipient.isEmpty() && sender.isEmpty() && subject.isEmpty();
        }
        return recipient.map(r -> anyContains(message.path("envelope").path("rcptTo"), r) || anyAddressContains(message.path("to"), r)
                || anyAddressContains(message.path("cc"), r)).orElse(true)
            && sender.map(s -> contains(message.path("envelope").path("mailFrom").asText(""), s)
                || anyAddressContains(message.path("from"), s)).orElse(true)
            && subject.map(s -> contains(message.path("subject").asText(""), s)).orElse(true);
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
