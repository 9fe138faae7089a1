package org.mailhook.json;

import java.util.regex.Pattern;

/**
 * The new text of a reply: the body without the quoted history and without the signature. The quote
 * starts at the first attribution line ("On ... wrote:" and its common translations), an Outlook
 * "Original Message" separator or header block, or a run of {@code >} lines that lasts to the end.
 */
final class ReplyText {
    private static final Pattern ATTRIBUTION = Pattern.compile(
        "(?is)^\\s*(on\\s.{1,300}\\swrote|le\\s.{1,300}\\sa\\s+écrit|am\\s.{1,300}\\sschrieb(\\s.{1,200})?|el\\s.{1,300}\\sescribió"
            + "|op\\s.{1,300}\\sschreef|il\\s.{1,300}\\sha\\s+scritto|em\\s.{1,300}\\sescreveu)\\s*:\\s*$");
    private static final Pattern SEPARATOR = Pattern.compile(
        "(?i)^\\s*(-{2,}\\s*(original message|ursprüngliche nachricht|message d'origine|forwarded message)\\s*-{2,}|_{20,})\\s*$");
    private static final Pattern OUTLOOK_FROM = Pattern.compile("(?i)^\\s*\\*?(from|von|de|van)\\*?\\s*:\\s*\\S.*$");
    private static final Pattern OUTLOOK_NEXT = Pattern.compile("(?i)^\\s*\\*?(sent|date|gesendet|envoyé|to|subject)\\*?\\s*:.*$");

    private ReplyText() {
    }

    static String strip(String text) {
        if (text == null) {
            return null;
        }
        String[] lines = (text.indexOf('\r') < 0 ? text : text.replace("\r\n", "\n")).split("\n", -1);
        int end = lines.length;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            // cheap tests first: each pattern needs "--" or "__", or a colon
            boolean colon = line.indexOf(':') >= 0;
            if (((line.contains("--") || line.contains("__")) && SEPARATOR.matcher(line).matches())
                || (colon && OUTLOOK_FROM.matcher(line).matches() && i + 1 < lines.length
                    && OUTLOOK_NEXT.matcher(lines[i + 1]).matches())
                || isAttribution(lines, i)) {
                end = i;
                break;
            }
        }
        // a trailing run of quoted lines (bottom quoting without attribution)
        int last = end;
        while (last > 0 && (lines[last - 1].startsWith(">") || lines[last - 1].isBlank())) {
            last--;
        }
        if (last < end && hasQuote(lines, last, end)) {
            end = last;
        }
        // the signature, after the RFC 3676 delimiter "-- "
        for (int i = end - 1; i >= 0; i--) {
            if (lines[i].equals("-- ") || lines[i].equals("--")) {
                end = i;
                break;
            }
        }
        StringBuilder kept = new StringBuilder();
        for (int i = 0; i < end; i++) {
            kept.append(lines[i]).append('\n');
        }
        return kept.toString().strip();
    }

    private static boolean isAttribution(String[] lines, int i) {
        boolean colonSoon = false;
        for (int k = i; k < Math.min(lines.length, i + 3) && !colonSoon; k++) {
            colonSoon = endsWithColon(lines[k]);
        }
        if (!colonSoon) {
            return false;
        }
        // attributions are often wrapped over two or three lines
        StringBuilder joined = new StringBuilder();
        for (int k = i; k < Math.min(lines.length, i + 3); k++) {
            if (k > i && lines[k].isBlank()) {
                break;
            }
            joined.append(k > i ? " " : "").append(lines[k]);
            if (endsWithColon(lines[k])) {
                return joined.length() < 400 && ATTRIBUTION.matcher(joined).matches();
            }
        }
        return false;
    }

    /** {@code line.stripTrailing().endsWith(":")} without making a string. */
    private static boolean endsWithColon(String line) {
        int end = line.length();
        while (end > 0 && Character.isWhitespace(line.charAt(end - 1))) {
            end--;
        }
        return end > 0 && line.charAt(end - 1) == ':';
    }

    private static boolean hasQuote(String[] lines, int from, int to) {
        for (int i = from; i < to; i++) {
            if (lines[i].startsWith(">")) {
                return true;
            }
        }
        return false;
    }
}
