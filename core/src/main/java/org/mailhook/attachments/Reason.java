package org.mailhook.attachments;

import java.util.Arrays;
import java.util.Optional;

/**
 * Why an attachment was flagged. {@link #code()} is the machine-readable reason written to JSON and
 * accepted by the {@code HasDangerousAttachment=reason,...} matcher; each reason has a fixed severity.
 */
public enum Reason {
    /** The (effective) file extension is on the blocked list. */
    BLOCKED_EXTENSION("blocked-extension", Verdict.DANGEROUS),
    /** A decoy extension before a blocked one: {@code invoice.pdf.exe}, {@code scan.jpg   .scr}. */
    DOUBLE_EXTENSION("double-extension", Verdict.DANGEROUS),
    /** The name ends in dots or spaces, which Windows drops ({@code evil.exe.}). */
    TRAILING_DOT_OR_SPACE("trailing-dot-or-space", Verdict.SUSPICIOUS),
    /** Unicode bidirectional controls in the name ({@code U+202E} makes {@code fdp.exe} look like {@code exe.pdf}). */
    BIDI_CONTROL("bidi-control", Verdict.DANGEROUS),
    /** Native or bytecode executable by content: PE (MZ), ELF, Mach-O, Java class, Windows shortcut, MSI. */
    EXECUTABLE("executable", Verdict.DANGEROUS),
    /** A script by content: shebang line, HTML application (HTA). */
    SCRIPT("script", Verdict.DANGEROUS),
    /** HTML or SVG whose script assembles a file for download (HTML smuggling: the payload passes filters as text). */
    HTML_SMUGGLING("html-smuggling", Verdict.DANGEROUS),
    /** Office document with macros: OLE VBA storage, OOXML vbaProject.bin or macro sheets, macro-enabled extension. */
    OFFICE_MACRO("office-macro", Verdict.DANGEROUS),
    /** PDF with a /JavaScript or /JS action. */
    PDF_JAVASCRIPT("pdf-javascript", Verdict.DANGEROUS),
    /** PDF with a /Launch action (runs a program). */
    PDF_LAUNCH("pdf-launch", Verdict.DANGEROUS),
    /** The content is a risky type (executable, archive, Office, PDF, script) that the name or declared type hides. */
    TYPE_MISMATCH("type-mismatch", Verdict.SUSPICIOUS),
    /** Encrypted (password-protected) archive entries: their content cannot be checked. */
    ARCHIVE_ENCRYPTED("archive-encrypted", Verdict.DANGEROUS),
    /** Expands beyond the ratio, size or entry-count limits (zip bomb). */
    ARCHIVE_BOMB("archive-bomb", Verdict.DANGEROUS),
    /** Archives nested deeper than the depth limit; the inner ones were not opened. */
    ARCHIVE_TOO_DEEP("archive-too-deep", Verdict.SUSPICIOUS),
    /** An archive or disk image format that is detected but not opened (RAR, 7z, xz, CAB, ISO). */
    ARCHIVE_UNINSPECTABLE("archive-uninspectable", Verdict.SUSPICIOUS),
    /**
     * A bound of the scan was reached (MIME parts or depth, decoded bytes of a part or archive entry): what lies
     * beyond was not inspected. The detail names the parameter.
     */
    LIMIT_EXCEEDED("limit-exceeded", Verdict.SUSPICIOUS),
    /** A container (zip, OLE, TNEF, PDF ...) that is corrupt and could not be read. */
    UNREADABLE("unreadable", Verdict.SUSPICIOUS),
    /** A virus scanner (ClamAV, or the built-in EICAR test-file check) found a signature. */
    VIRUS("virus", Verdict.DANGEROUS),
    /** The virus scanner could not scan this attachment and the policy says quarantine. */
    SCAN_UNAVAILABLE("scan-unavailable", Verdict.DANGEROUS);

    private final String code;
    private final Verdict severity;

    Reason(String code, Verdict severity) {
        this.code = code;
        this.severity = severity;
    }

    public String code() {
        return code;
    }

    public Verdict severity() {
        return severity;
    }

    public static Optional<Reason> fromCode(String code) {
        return Arrays.stream(values()).filter(r -> r.code.equals(code.trim())).findFirst();
    }
}
