package org.mailhook.spam;

import java.util.Locale;
import java.util.Optional;

/**
 * Rspamd's actions, written as Rspamd writes them ({@code "soft reject"}): the six score actions, mildest
 * first, then the two only rules can force (Rspamd's force_actions module).
 */
public enum SpamAction {
    NO_ACTION("no action"),
    GREYLIST("greylist"),
    ADD_HEADER("add header"),
    REWRITE_SUBJECT("rewrite subject"),
    SOFT_REJECT("soft reject"),
    REJECT("reject"),
    DISCARD("discard"),
    QUARANTINE("quarantine");

    private final String code;

    SpamAction(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The action Rspamd named, any case, with a space or an underscore between words. */
    public static Optional<SpamAction> fromCode(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String wanted = text.strip().toLowerCase(Locale.ROOT).replace('_', ' ');
        for (SpamAction action : values()) {
            if (action.code.equals(wanted)) {
                return Optional.of(action);
            }
        }
        return Optional.empty();
    }
}
