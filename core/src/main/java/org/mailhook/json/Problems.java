package org.mailhook.json;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What went wrong while parsing one mail. Errors mean the input is malformed and content may be
 * missing or guessed; warnings mean a recoverable oddity or a limit that was hit. Repeats of the same
 * problem are kept once, and at most {@link #MAX_ENTRIES} of each kind, so a hostile mail cannot
 * grow the document through its problems.
 */
final class Problems {
    static final int MAX_ENTRIES = 100;

    record Problem(String code, String message, String partId) {
    }

    private final List<Problem> errors = new ArrayList<>();
    private final List<Problem> warnings = new ArrayList<>();
    private final Set<String> seen = new LinkedHashSet<>();

    void error(String code, String message, String partId) {
        add(errors, code, message, partId);
    }

    void warning(String code, String message, String partId) {
        add(warnings, code, message, partId);
    }

    private void add(List<Problem> list, String code, String message, String partId) {
        if (list.size() >= MAX_ENTRIES || !seen.add(code + '\u0000' + message + '\u0000' + partId)) {
            return;
        }
        list.add(new Problem(code, message, partId));
    }

    List<Problem> errors() {
        return errors;
    }

    List<Problem> warnings() {
        return warnings;
    }
}
