package org.mailhook.json;

import java.util.StringJoiner;

/**
 * {@code text/plain; format=flowed} (RFC 3676) read as the sender wrote it: lines ending in a space are
 * soft breaks and are joined with the next line of the same quote depth (with {@code delsp=yes} that
 * space is deleted), space-stuffing is removed, and quoted lines keep their depth as {@code >} marks
 * followed by one space.
 */
final class FlowedText {
    private FlowedText() {
    }

    /** @param text decoded text with {@code \n} line ends */
    static String unflow(String text, boolean delSp) {
        StringJoiner out = new StringJoiner("\n");
        StringBuilder paragraph = new StringBuilder();
        int paragraphDepth = -1;
        int start = 0;
        while (true) {
            int end = text.indexOf('\n', start);
            boolean lastLine = end < 0;
            if (lastLine) {
                end = text.length();
            }
            int depth = 0;
            while (start + depth < end && text.charAt(start + depth) == '>') {
                depth++;
            }
            int contentStart = start + depth;
            if (contentStart < end && text.charAt(contentStart) == ' ') {
                contentStart++; // space-stuffing (RFC 3676 4.4)
            }
            if (paragraphDepth >= 0 && depth != paragraphDepth) {
                // a soft break followed by another quote depth is not a soft break (RFC 3676 4.5)
                out.add(line(paragraphDepth, paragraph));
                paragraphDepth = -1;
            }
            boolean signatureSeparator = end - contentStart == 3 && text.startsWith("-- ", contentStart);
            boolean soft = end > contentStart && text.charAt(end - 1) == ' ' && !signatureSeparator;
            if (paragraphDepth < 0) {
                paragraphDepth = depth;
                paragraph.setLength(0);
            }
            paragraph.append(text, contentStart, soft && delSp ? end - 1 : end);
            if (!soft) {
                out.add(line(paragraphDepth, paragraph));
                paragraphDepth = -1;
            }
            if (lastLine) {
                break;
            }
            start = end + 1;
        }
        if (paragraphDepth >= 0) {
            out.add(line(paragraphDepth, paragraph));
        }
        return out.toString();
    }

    private static String line(int depth, StringBuilder paragraph) {
        if (depth == 0) {
            return paragraph.toString();
        }
        return ">".repeat(depth) + (paragraph.length() > 0 ? " " : "") + paragraph;
    }
}
