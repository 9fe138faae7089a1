package org.mailhook.attachments;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks on an attachment's file name alone: blocked and double extensions, trailing dots/spaces, bidi tricks. */
final class FilenameRules {
    /** Extensions people expect to be harmless documents or media: used as the decoy in a double extension. */
    private static final Set<String> DECOY_EXTENSIONS = Set.of(
        "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "rtf", "txt", "csv", "htm", "html",
        "jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff", "mp3", "mp4", "wav", "avi", "mov", "zip", "rar", "eml");
    /** Explicit embedding/override/isolate controls; plain marks (U+200E/F) also occur in real RTL names. */
    private static final Pattern BIDI_CONTROLS = Pattern.compile("[\\u202A-\\u202E\\u2066-\\u2069]");
    /** Macro-enabled Office formats: the name alone says the document carries (or may carry) VBA. */
    private static final Set<String> MACRO_EXTENSIONS = Set.of(
        "docm", "dotm", "xlsm", "xltm", "xlam", "pptm", "potm", "ppam", "ppsm", "sldm");
    private static final Pattern TRAILING_DOTS_SPACES = Pattern.compile("[.\\s\\u00A0]+$");

    private final Set<String> blocked;

    FilenameRules(Set<String> blocked) {
        this.blocked = blocked;
    }

    List<Finding> check(String filename, String path) {
        List<Finding> findings = new ArrayList<>();
        if (filename == null || filename.isBlank()) {
            return findings;
        }
        String name = baseName(filename);
        if (BIDI_CONTROLS.matcher(name).find()) {
            findings.add(new Finding(Reason.BIDI_CONTROL, path,
                "name contains Unicode bidirectional control characters (it displays as '" + BIDI_CONTROLS.matcher(name).replaceAll("") + "' reordered)"));
        }
        String effective = name;
        if (TRAILING_DOTS_SPACES.matcher(name).find() && !name.isBlank()) {
            effective = TRAILING_DOTS_SPACES.matcher(name).replaceAll("");
            findings.add(new Finding(Reason.TRAILING_DOT_OR_SPACE, path, "name ends in dots or spaces; Windows opens it as '" + effective + "'"));
        }
        // Bidi controls and zero-width characters are invisible: judge the extension without them.
        effective = BIDI_CONTROLS.matcher(effective).replaceAll("").replaceAll("[\\u200B-\\u200F\\uFEFF]", "");
        String extension = extension(effective);
        if (blocked.contains(extension)) {
            findings.add(new Finding(Reason.BLOCKED_EXTENSION, path, "extension ." + extension + " is blocked"));
            String stem = effective.substring(0, effective.length() - extension.length() - 1).replaceAll("[\\s\\u00A0]+$", "");
            String decoy = extension(stem);
            if (DECOY_EXTENSIONS.contains(decoy)) {
                findings.add(new Finding(Reason.DOUBLE_EXTENSION, path, "." + decoy + " shown before the real extension ." + extension));
            }
        }
        if (MACRO_EXTENSIONS.contains(extension)) {
            findings.add(new Finding(Reason.OFFICE_MACRO, path, "macro-enabled Office type ." + extension));
        }
        return findings;
    }

    /** The last extension, lowercase, without the dot; empty when there is none. */
    static String extension(String name) {
        int dot = name.lastIndexOf('.');
        if (dot < 0 || dot == name.length() - 1) {
            return "";
        }
        return name.substring(dot + 1).trim().toLowerCase(Locale.ROOT);
    }

    /** Archive entries and some mailers give paths; only the last segment is the file name. */
    static String baseName(String filename) {
        String name = filename.replace('\\', '/');
        int slash = name.lastIndexOf('/');
        return slash >= 0 && slash < name.length() - 1 ? name.substring(slash + 1) : name;
    }
}
