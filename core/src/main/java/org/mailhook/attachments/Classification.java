package org.mailhook.attachments;

import java.util.List;

/**
 * What the classifier found in one attachment.
 *
 * @param detectedType the media type from content (refined by the name where they agree), e.g. {@code application/x-dosexec}
 * @param findings every reason it was flagged, empty when clean
 */
public record Classification(String detectedType, List<Finding> findings) {
    public Classification {
        findings = List.copyOf(findings);
    }

    public Verdict verdict() {
        return findings.stream().map(f -> f.reason().severity()).reduce(Verdict.CLEAN, Verdict::worst);
    }
}
