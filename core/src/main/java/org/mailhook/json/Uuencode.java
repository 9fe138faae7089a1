package org.mailhook.json;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * uuencoded files inside text ({@code begin 644 name} ... {@code end}), as old mailers and some
 * gateways still send them. No maintained Java library decodes uuencode; the format is a few lines.
 */
final class Uuencode {
    private static final Pattern BEGIN = Pattern.compile("(?m)^begin(?:-base64)? [0-7]{3,4} ([^\r\n]+)\r?$");

    record File(String name, byte[] bytes, boolean complete) {
    }

    record Extracted(String text, List<File> files) {
    }

    private Uuencode() {
    }

    /** The files found in the text, and the text without them. */
    static Extracted extract(String text) {
        List<File> files = new ArrayList<>();
        if (!text.contains("begin ")) {
            return new Extracted(text, files);
        }
        StringBuilder rest = new StringBuilder();
        Matcher begin = BEGIN.matcher(text);
        int copied = 0;
        while (begin.find(copied)) {
            rest.append(text, copied, begin.start());
            int position = begin.end();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            boolean complete = false;
            while (position < text.length()) {
                int eol = text.indexOf('\n', position + 1);
                int next = eol < 0 ? text.length() : eol + 1;
                String line = text.substring(position, next).strip();
                position = next;
                if (line.equals("end")) {
                    complete = true;
                    break;
                }
                if (!line.isEmpty() && !decodeLine(line, bytes)) {
                    break;
                }
            }
            files.add(new File(begin.group(1).strip(), bytes.toByteArray(), complete));
            copied = position;
        }
        rest.append(text, copied, text.length());
        return new Extracted(rest.toString(), files);
    }

    /** Decodes one line; false when it is not a uuencoded line (the block ended without "end"). */
    private static boolean decodeLine(String line, ByteArrayOutputStream out) {
        int length = (line.charAt(0) - ' ') & 0x3F;
        if (length == 0) {
            return true;
        }
        if (line.length() < 1 + (length + 2) / 3 * 4 - 3) {
            return false;
        }
        int written = 0;
        for (int i = 1; written < length; i += 4) {
            int a = sextet(line, i);
            int b = sextet(line, i + 1);
            int c = sextet(line, i + 2);
            int d = sextet(line, i + 3);
            int[] decoded = {(a << 2) | (b >> 4), ((b & 0xF) << 4) | (c >> 2), ((c & 0x3) << 6) | d};
            for (int k = 0; k < 3 && written < length; k++, written++) {
                out.write(decoded[k] & 0xFF);
            }
        }
        return true;
    }

    private static int sextet(String line, int index) {
        return index < line.length() ? (line.charAt(index) - ' ') & 0x3F : 0;
    }
}
