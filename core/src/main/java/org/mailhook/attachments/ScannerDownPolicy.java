package org.mailhook.attachments;

import java.util.Locale;

/** What to do with an attachment the virus scanner could not scan. Never a silent pass. */
public enum ScannerDownPolicy {
    /** Let it through on the other checks, with a warning in the report and the log. */
    WARN,
    /** Flag it {@link Reason#SCAN_UNAVAILABLE} (dangerous), so it is quarantined. */
    QUARANTINE;

    public static ScannerDownPolicy fromCode(String code) {
        return valueOf(code.trim().toUpperCase(Locale.ROOT));
    }
}
