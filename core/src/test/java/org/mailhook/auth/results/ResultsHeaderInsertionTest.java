package org.mailhook.auth.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ResultsHeaderInsertionTest {
    private static final String OURS = "mx.example.net;\r\n\tspf=pass smtp.mailfrom=example.org";

    private static String insert(String message) {
        return new String(ResultsHeaderInsertion.insert(message.getBytes(StandardCharsets.ISO_8859_1), OURS, "mx.example.net"),
            StandardCharsets.ISO_8859_1);
    }

    @Test
    void oursGoesFirstAndForgedOnesGoWhileOthersStay() {
        String message = "Received: from a\r\n\tby b\r\n"
            + "Authentication-Results: MX.example.net; dmarc=pass\r\n"
            + "authentication-results : other.example; spf=fail\r\n"
            + "Authentication-Results: mx.example.net (forged);\r\n\tdkim=pass\r\n"
            + "Subject: hi\r\n\r\n"
            + "Authentication-Results: mx.example.net; body text, not a header\r\n";
        assertThat(insert(message)).isEqualTo("Authentication-Results: " + OURS + "\r\n"
            + "Received: from a\r\n\tby b\r\n"
            + "authentication-results : other.example; spf=fail\r\n"
            + "Subject: hi\r\n\r\n"
            + "Authentication-Results: mx.example.net; body text, not a header\r\n");
    }

    @Test
    void everyOtherByteStaysAsReceivedWhateverTheStructure() {
        // A multipart without its boundary, 8-bit header bytes and bare LF: nothing here is parsed.
        String message = "Subject: caf\u00e9 \u00ff\nContent-Type: multipart/mixed; boundary=\"never\"\n\n--other\n\u0000\u00fe\n";
        assertThat(insert(message)).isEqualTo("Authentication-Results: " + OURS + "\r\n" + message);
    }

    @Test
    void headerOnlyAndEmptyMessages() {
        assertThat(insert("Subject: no body")).isEqualTo("Authentication-Results: " + OURS + "\r\nSubject: no body");
        assertThat(insert("Authentication-Results: mx.example.net; x=y")).isEqualTo("Authentication-Results: " + OURS + "\r\n");
        assertThat(insert("")).isEqualTo("Authentication-Results: " + OURS + "\r\n");
    }

    @Test
    void linearInTheNumberOfFields() {
        StringBuilder message = new StringBuilder();
        for (int i = 0; i < 50_000; i++) {
            message.append("Authentication-Results: mx.example.net; n=").append(i).append("\r\nX-").append(i).append(": y\r\n");
        }
        String result = insert(message.append("\r\nbody").toString());
        assertThat(result).doesNotContain("n=49999").endsWith("X-49999: y\r\n\r\nbody");
    }
}
