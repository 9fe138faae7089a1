package org.mailhook.attachments;

import java.util.List;

/**
 * The verdict on one MIME attachment.
 *
 * @param partId IMAP body part number ({@code "2"}, {@code "1.2"}, {@code "3.1.2"}), as in the message JSON
 * @param filename the name as sent, or null
 * @param declaredType the Content-Type media type as sent
 * @param detectedType the type from content
 * @param size decoded size in bytes
 * @param findings the reasons, empty when clean
 */
public record AttachmentVerdict(String partId, String filename, String declaredType, String detectedType, long size,
                                List<Finding> findings) {
    public AttachmentVerdict {
        findings = List.copyOf(findings);
    }

    public Verdict verdict() {
        return findings.stream().map(f -> f.reason().severity()).reduce(Verdict.CLEAN, Verdict::worst);
    }

    /** Distinct reason codes in the order found. */
    public List<String> reasons() {
        return findings.stream().map(f -> f.reason().code()).distinct().toList();
    }
}
