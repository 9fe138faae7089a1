package org.mailhook.attachments;

import java.util.Locale;

/** How bad an attachment (or a whole mail) is, from the worst of its findings. */
public enum Verdict {
    CLEAN,
    /** Could not be fully checked or looks odd (e.g. a RAR archive, a zip named .jpg); kept by default. */
    SUSPICIOUS,
    /** Known-dangerous: executable, macro, virus, archive bomb ...; stripped by default. */
    DANGEROUS;

    /** The lowercase name used in JSON and configuration: {@code clean}, {@code suspicious}, {@code dangerous}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Verdict fromCode(String code) {
        return valueOf(code.trim().toUpperCase(Locale.ROOT));
    }

    public Verdict worst(Verdict other) {
        return compareTo(other) >= 0 ? this : other;
    }
}
