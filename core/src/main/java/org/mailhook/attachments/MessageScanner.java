package org.mailhook.attachments;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Message;
import org.mailhook.codec.SizedRead;

/**
 * Scans every attachment of a MIME message, including those in nested {@code message/rfc822}
 * parts, TNEF, Outlook .msg and archives: the {@link ContentClassifier} judges each, and the optional
 * virus scanner (clamd) adds its signature matches. Never throws for bad mail.
 */
public final class MessageScanner {
    private static final Pattern UUENCODE_BEGIN = Pattern.compile("(?m)^begin(?:-base64)? [0-7]{3,4} ([^\\r\\n]+)$");
    private final ContentClassifier classifier;
    private final Optional<VirusScanner> virusScanner;
    private final ScannerDownPolicy whenScannerDown;

    public MessageScanner(ContentClassifier classifier, Optional<VirusScanner> virusScanner, ScannerDownPolicy whenScannerDown) {
        this.classifier = classifier;
        this.virusScanner = virusScanner;
        this.whenScannerDown = whenScannerDown;
    }

    /** Classifier only, no virus scanner. */
    public MessageScanner(ContentClassifier classifier) {
        this(classifier, Optional.empty(), ScannerDownPolicy.WARN);
    }

    public ScanReport scan(InputStream mime) throws IOException {
        return scan(mime.readAllBytes());
    }

    public ScanReport scan(byte[] mime) {
        List<AttachmentVerdict> verdicts = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Message message;
        try {
            message = MimeParts.parse(mime);
        } catch (IOException | RuntimeException e) {
            verdicts.add(new AttachmentVerdict("1", null, null, null, mime.length,
                List.of(new Finding(Reason.UNREADABLE, "", "message could not be parsed as MIME: " + e.getMessage()))));
            return new ScanReport(verdicts, warnings);
        }
        ScanLimits limits = classifier.policy().limits();
        try {
            MimeParts.Walk walk = MimeParts.walk(message, limits);
            for (Map.Entry<String, Entity> leaf : walk.leaves().entrySet()) {
                Entity part = leaf.getValue();
                if (MimeParts.isAttachment(part)) {
                    verdicts.add(scanPart(leaf.getKey(), part, warnings, limits));
                } else {
                    uuencodedFiles(leaf.getKey(), part, limits).ifPresent(verdicts::add);
                }
            }
            for (Map.Entry<String, Entity> cut : walk.tooDeep().entrySet()) {
                verdicts.add(new AttachmentVerdict(cut.getKey(), MimeParts.filename(cut.getValue()), cut.getValue().getMimeType(), null, 0,
                    List.of(new Finding(Reason.LIMIT_EXCEEDED, "", "MIME parts nested more than " + limits.maxMimeDepth()
                        + " deep (maxMimeDepth): " + cut.getValue().getMimeType() + " part " + cut.getKey() + " and everything in it were not scanned"))));
            }
            String first = walk.firstUnscanned();
            if (first != null) {
                verdicts.add(new AttachmentVerdict(first, null, null, null, 0,
                    List.of(new Finding(Reason.LIMIT_EXCEEDED, "", "the mail has more than " + limits.maxParts() + " parts (maxParts): "
                        + walk.unscanned().size() + " parts from part " + first + " on were not scanned"))));
            }
        } finally {
            message.dispose();
        }
        return new ScanReport(verdicts, warnings);
    }

    /** The decoded bytes of a part, at most {@code max}; {@code total} counts them all (the rest is read and dropped). */
    private record Decoded(byte[] head, long total) {
        boolean truncated() {
            return total > head.length;
        }
    }

    private static Decoded readBounded(Entity part, long max) throws IOException {
        try (InputStream in = MimeParts.decoded(part)) {
            long expected = MimeParts.decodedSizeHint(part);
            if (expected > 0 && expected <= max) {
                // Sized once: the hint is at most the raw body, so even a wrong one reads a bounded amount.
                byte[] all = SizedRead.readAll(in, expected);
                return new Decoded(all.length <= max ? all : Arrays.copyOf(all, (int) max), all.length);
            }
            byte[] head = in.readNBytes((int) max);
            long total = head.length;
            if (head.length == max && in.read() != -1) {
                total += 1 + in.transferTo(OutputStream.nullOutputStream());
            }
            return new Decoded(head, total);
        }
    }

    /**
     * Body text can carry uuencoded files ({@code begin 644 name}) that some clients show as
     * attachments; their names get the name rules, and a flagged one makes the text part a verdict.
     */
    private Optional<AttachmentVerdict> uuencodedFiles(String partId, Entity part, ScanLimits limits) {
        byte[] content;
        try {
            // Only the first maxPartBytes of body text are searched for uuencoded names.
            content = readBounded(part, limits.maxPartBytes()).head();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        List<Finding> findings = new ArrayList<>();
        Matcher begin = UUENCODE_BEGIN.matcher(new String(content, StandardCharsets.ISO_8859_1));
        while (begin.find()) {
            String name = begin.group(1).strip();
            classifier.checkName(name).forEach(f -> findings.add(new Finding(f.reason(), name, "uuencoded in the text: " + f.detail())));
        }
        return findings.isEmpty() ? Optional.empty()
            : Optional.of(new AttachmentVerdict(partId, null, part.getMimeType(), part.getMimeType(), content.length, findings));
    }

    private AttachmentVerdict scanPart(String partId, Entity part, List<String> warnings, ScanLimits limits) {
        String filename = MimeParts.filename(part);
        String declaredType = part.getMimeType();
        Decoded decoded;
        try {
            decoded = readBounded(part, limits.maxPartBytes());
        } catch (IOException | RuntimeException e) {
            return new AttachmentVerdict(partId, filename, declaredType, null, 0,
                List.of(new Finding(Reason.UNREADABLE, "", "part body could not be decoded: " + e.getMessage())));
        }
        byte[] content = decoded.head();
        String truncated = decoded.truncated() ? "the part decodes to " + decoded.total() + " bytes, more than " + limits.maxPartBytes()
            + " (maxPartBytes): only the first " + limits.maxPartBytes() + " were checked, and it was not opened as a container" : null;
        Classification classification;
        try {
            classification = classifier.classify(filename, declaredType, content, truncated);
        } catch (RuntimeException | StackOverflowError e) {
            // A library bug on hostile input must not let the part through unchecked.
            classification = new Classification(null, List.of(new Finding(Reason.UNREADABLE, "", "classifier failed: " + e)));
        }
        List<Finding> findings = new ArrayList<>(classification.findings());
        for (String otherName : MimeParts.names(part)) {
            if (!otherName.equals(filename)) {
                classifier.checkName(otherName).forEach(f -> findings.add(
                    new Finding(f.reason(), f.path(), "Content-Type name \"" + otherName + "\": " + f.detail())));
            }
        }
        if (decoded.truncated() && virusScanner.isPresent()) {
            warnings.add("part " + partId + " was not virus-scanned: larger than maxPartBytes (" + limits.maxPartBytes() + ")");
        }
        virusScanner.filter(scanner -> !decoded.truncated()).ifPresent(scanner -> {
            VirusScan scan = scanner.scan(content);
            switch (scan.status()) {
                case FOUND -> findings.add(new Finding(Reason.VIRUS, "", "ClamAV: " + scan.detail()));
                case UNAVAILABLE -> {
                    if (whenScannerDown == ScannerDownPolicy.QUARANTINE) {
                        findings.add(new Finding(Reason.SCAN_UNAVAILABLE, "", "virus scanner: " + scan.detail()));
                    } else {
                        warnings.add("part " + partId + " was not virus-scanned: " + scan.detail());
                    }
                }
                case CLEAN -> {
                }
            }
        });
        return new AttachmentVerdict(partId, filename, declaredType, classification.detectedType(), decoded.total(), findings);
    }
}
