package org.mailhook.json;

import java.nio.charset.StandardCharsets;

/**
 * The result of parsing one mail: the JSON document (UTF-8) and a summary for matchers and logs.
 *
 * @param id the idempotency key (also the document's {@code id})
 * @param json the {@code mailhook.message.v1} document, UTF-8 encoded
 * @param messageId the Message-ID without angle brackets, or null
 * @param subject the decoded subject, or null
 * @param from the first From address, or null
 * @param attachmentCount entries in {@code attachments} (TNEF and uuencoded files included)
 * @param errorCount entries in {@code parse.errors}
 * @param warningCount entries in {@code parse.warnings}
 */
public record ParsedMessage(String id, byte[] json, String messageId, String subject, String from,
                            int attachmentCount, int errorCount, int warningCount) {

    public String jsonText() {
        return new String(json, StandardCharsets.UTF_8);
    }
}
