package org.mailhook.matchers;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import javax.mail.MessagingException;

/** A matcher condition that lists codes ({@code a,b}), each checked against the codes the matcher knows. */
final class ConditionCodes {
    private ConditionCodes() {
    }

    /**
     * The codes of {@code condition}, empty when there is none.
     *
     * @throws MessagingException naming the matcher, for a code it does not know, so a typo stops startup
     */
    static Set<String> parse(String matcher, String condition, List<String> known, String what) throws MessagingException {
        if (condition == null || condition.isBlank()) {
            return Set.of();
        }
        Set<String> wanted = new LinkedHashSet<>();
        for (String code : condition.split(",")) {
            String trimmed = code.trim();
            if (!known.contains(trimmed)) {
                throw new MessagingException(matcher + ": unknown " + what + " '" + trimmed + "'; known: " + known);
            }
            wanted.add(trimmed);
        }
        return Set.copyOf(wanted);
    }
}
