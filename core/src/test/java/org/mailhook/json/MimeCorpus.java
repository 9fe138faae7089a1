package org.mailhook.json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.mailhook.testing.Corpus;

/** The mail files of the external corpus (mime/), without the expected results shipped beside them. */
final class MimeCorpus {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private MimeCorpus() {
    }

    static Path root() {
        return Corpus.path("mime");
    }

    /** Every mail file under {@code mime/relative}, sorted. */
    static List<Path> mails(String relative) {
        return Corpus.mimeFiles(relative);
    }

    static ParsedMessage parse(MessageParser parser, Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parser.parse(in, Envelope.none(), MessageParserTest.RECEIVED, Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(ParsedMessage parsed) {
        try {
            return MAPPER.readTree(parsed.json());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A mail with a short text part, then {@code bytes} as a base64 part of the given Content-Type (part "2"). */
    static byte[] mailWithAttachment(String contentType, byte[] bytes) {
        java.io.ByteArrayOutputStream mail = new java.io.ByteArrayOutputStream();
        mail.writeBytes(("From: sender@example.com\r\nSubject: attached\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
            + "--b\r\nContent-Type: " + contentType + "\r\nContent-Transfer-Encoding: base64\r\n\r\n")
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        mail.writeBytes(java.util.Base64.getMimeEncoder().encode(bytes));
        mail.writeBytes("\r\n--b--\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return mail.toByteArray();
    }

    static String name(Path file) {
        return root().relativize(file).toString();
    }
}
