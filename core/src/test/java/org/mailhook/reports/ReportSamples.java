package org.mailhook.reports;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The real report samples under test resources org/mailhook/reports (SOURCES.md there says where each came from). */
public final class ReportSamples {
    private ReportSamples() {
    }

    public static byte[] sample(String name) {
        try (InputStream in = ReportSamples.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no sample " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A mail with a text part ("See attached.") and one base64 attachment of these decoded bytes. */
    public static byte[] mailWith(String subject, String contentType, String filename, byte[] content) {
        return ("From: reporter@example.net\r\nTo: dmarc@example.com\r\nSubject: " + subject + "\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n"
            + "--b\r\nContent-Type: " + contentType + "\r\nContent-Disposition: attachment; filename=\"" + filename + "\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n" + Base64.getMimeEncoder().encodeToString(content) + "\r\n--b--\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    }
}
