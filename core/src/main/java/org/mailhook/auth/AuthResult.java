package org.mailhook.auth;

import java.util.Locale;

/** The result words of RFC 8601 Authentication-Results, shared by SPF, DKIM, DMARC and ARC. */
public enum AuthResult {
    PASS, FAIL, SOFTFAIL, NEUTRAL, NONE, POLICY, TEMPERROR, PERMERROR;

    /** The lower-case word as written in headers and JSON. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static AuthResult fromWord(String word) {
        return valueOf(word.trim().toUpperCase(Locale.ROOT));
    }
}
