package org.mailhook.json;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Counts how many checks against a corpus's expected results agree, and remembers the ones that do not. */
final class Agreement {
    private final String set;
    private int checks;
    private int agreed;
    private final List<String> disagreements = new ArrayList<>();

    Agreement(String set) {
        this.set = set;
    }

    void check(String where, String what, Object expected, Object actual) {
        checks++;
        if (Objects.equals(expected, actual)) {
            agreed++;
        } else {
            disagreements.add(where + " " + what + ": expected " + expected + ", got " + actual);
        }
    }

    double rate() {
        return checks == 0 ? 1.0 : (double) agreed / checks;
    }

    int checks() {
        return checks;
    }

    /** Prints the rate and each disagreement, so the test output says what the docs explain. */
    Agreement report() {
        System.out.printf("[agreement] %-40s %4d/%4d checks agree (%.1f%%)%n", set, agreed, checks, 100 * rate());
        disagreements.forEach(d -> System.out.println("[agreement]   " + set + " " + d));
        return this;
    }
}
