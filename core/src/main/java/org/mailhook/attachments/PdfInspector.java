package org.mailhook.attachments;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Finds JavaScript and launch actions in a PDF by its name tokens ({@code /JavaScript}, {@code /JS},
 * {@code /Launch}), with {@code #xx} escapes decoded, in the file and in its Flate-compressed streams
 * (where object streams hide dictionaries).
 */
final class PdfInspector {
    /** JavaScript and object streams are small; a stream is inflated only this far. */
    private static final int MAX_INFLATED_PER_STREAM = 4 * 1024 * 1024;
    private static final long MAX_INFLATED_PER_FILE = 64L * 1024 * 1024;
    private static final byte[] STREAM = "stream".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END_STREAM = "endstream".getBytes(StandardCharsets.US_ASCII);

    private PdfInspector() {
    }

    static void inspect(byte[] content, String path, Inspection inspection) {
        Set<Reason> found = EnumSet.noneOf(Reason.class);
        scanNames(content, found);
        long inflatedTotal = 0;
        int from = 0;
        while (found.size() < 2 && inflatedTotal < MAX_INFLATED_PER_FILE) {
            int start = indexOf(content, STREAM, from);
            if (start < 0) {
                break;
            }
            int dataStart = start + STREAM.length;
            if (dataStart < content.length && content[dataStart] == '\r') {
                dataStart++;
            }
            if (dataStart < content.length && content[dataStart] == '\n') {
                dataStart++;
            }
            int end = indexOf(content, END_STREAM, dataStart);
            if (end < 0) {
                break;
            }
            String dictionary = new String(content, Math.max(0, start - 512), Math.min(512, start), StandardCharsets.ISO_8859_1);
            int dictionaryStart = dictionary.lastIndexOf("<<");
            if (dictionaryStart >= 0 && dictionary.substring(dictionaryStart).contains("/FlateDecode")) {
                byte[] inflated = inflate(content, dataStart, end - dataStart);
                inflatedTotal += inflated.length;
                scanNames(inflated, found);
            }
            from = end + END_STREAM.length;
        }
        if (found.contains(Reason.PDF_JAVASCRIPT)) {
            inspection.add(new Finding(Reason.PDF_JAVASCRIPT, path, "PDF contains a /JavaScript or /JS action"));
        }
        if (found.contains(Reason.PDF_LAUNCH)) {
            inspection.add(new Finding(Reason.PDF_LAUNCH, path, "PDF contains a /Launch action"));
        }
    }

    private static void scanNames(byte[] data, Set<Reason> found) {
        for (int i = 0; i < data.length; i++) {
            if (data[i] != '/') {
                continue;
            }
            StringBuilder name = new StringBuilder();
            int j = i + 1;
            while (j < data.length && name.length() < 32 && isNameChar(data[j])) {
                if (data[j] == '#' && j + 2 < data.length && hex(data[j + 1]) >= 0 && hex(data[j + 2]) >= 0) {
                    name.append((char) (hex(data[j + 1]) * 16 + hex(data[j + 2])));
                    j += 3;
                } else {
                    name.append((char) data[j]);
                    j++;
                }
            }
            String token = name.toString();
            if (token.equals("JavaScript") || token.equals("JS")) {
                found.add(Reason.PDF_JAVASCRIPT);
            } else if (token.equals("Launch")) {
                found.add(Reason.PDF_LAUNCH);
            }
            i = j - 1;
        }
    }

    private static boolean isNameChar(byte b) {
        return b > 32 && b < 127 && "()<>[]{}/%".indexOf(b) < 0;
    }

    private static int hex(byte b) {
        return Character.digit(b, 16);
    }

    private static byte[] inflate(byte[] data, int offset, int length) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(data, offset, length);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[16 * 1024];
            while (!inflater.finished() && out.size() < MAX_INFLATED_PER_STREAM) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            return new byte[0];
        } finally {
            inflater.end();
        }
    }

    private static int indexOf(byte[] data, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= data.length - needle.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (data[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
