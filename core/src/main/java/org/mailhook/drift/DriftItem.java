package org.mailhook.drift;

import java.util.Locale;

/**
 * What one watched record looked like: present with a value, absent, or unknown because the lookup
 * failed ({@code temperror}: SERVFAIL, timeout). A failed lookup is never taken for a removed record.
 */
public record DriftItem(State state, String value) {

    public enum State {
        PRESENT, ABSENT, TEMPERROR;

        /** The state as written in the event and the docs: {@code present}, {@code absent}, {@code temperror}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The metric value: 0 present, 1 absent, 2 temperror. */
        public int code() {
            return ordinal();
        }
    }

    public DriftItem {
        value = state == State.PRESENT ? value : "";
    }

    public static DriftItem present(String value) {
        return new DriftItem(State.PRESENT, value);
    }

    public static DriftItem absent() {
        return new DriftItem(State.ABSENT, "");
    }

    public static DriftItem temperror() {
        return new DriftItem(State.TEMPERROR, "");
    }

    public boolean known() {
        return state != State.TEMPERROR;
    }
}
