package org.mailhook.attachments;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Builds small MIME messages with attachments for tests. */
public final class TestMails {
    private TestMails() {
    }

    public static String attachment(String contentType, String filename, byte[] content) {
        return "Content-Type: " + contentType + "; name=\"" + filename + "\"\r\n"
            + "Content-Disposition: attachment; filename=\"" + filename + "\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n"
            + Base64.getMimeEncoder().encodeToString(content) + "\r\n";
    }

    public static String textPart(String text) {
        return "Content-Type: text/plain; charset=utf-8\r\n\r\n" + text + "\r\n";
    }

    public static String multipart(String subtype, String boundary, String... parts) {
        StringBuilder mime = new StringBuilder("Content-Type: multipart/" + subtype + "; boundary=\"" + boundary + "\"\r\n\r\n");
        for (String part : parts) {
            mime.append("--").append(boundary).append("\r\n").append(part);
        }
        return mime.append("--").append(boundary).append("--\r\n").toString();
    }

    /** A message/rfc822 part wrapping {@code message} (headers + body). */
    public static String attachedMessage(String message) {
        return "Content-Type: message/rfc822\r\nContent-Disposition: attachment; filename=\"forward.eml\"\r\n\r\n" + message;
    }

    public static byte[] mail(String subject, String bodyEntity) {
        return ("From: sender@example.com\r\nTo: inbox@example.org\r\nSubject: " + subject + "\r\n"
            + "Message-ID: <" + Math.abs(subject.hashCode()) + "@example.com>\r\nMIME-Version: 1.0\r\n" + bodyEntity).getBytes(StandardCharsets.UTF_8);
    }

    /** A mail with a text part and one base64 attachment: the attachment is part "2". */
    public static byte[] mailWithAttachment(String filename, String contentType, byte[] content) {
        return mail("with " + filename, multipart("mixed", "b1", textPart("Please see attached."), attachment(contentType, filename, content)));
    }
}
