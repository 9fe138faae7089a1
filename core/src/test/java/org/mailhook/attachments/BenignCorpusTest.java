package org.mailhook.attachments;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.mailhook.testing.Corpus;

/**
 * Every attachment in the benign MIME corpus must pass: each message's attachments (nested
 * message/rfc822, TNEF, archives included) and the standalone Outlook .msg and TNEF files. Prints the
 * false-positive rate and every flagged attachment with its reasons.
 */
class BenignCorpusTest {
    /**
     * Corpus attachments that are flagged on purpose, with why (see docs/attachments.md). Keyed by
     * "corpus-relative-file#partId".
     */
    private static final Map<String, String> JUSTIFIED = Map.of();

    private static final byte[] OLE = {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0};
    private static final byte[] TNEF = {0x78, (byte) 0x9F, 0x3E, 0x22};

    @Test
    void benignAttachmentsPass() throws IOException {
        Path root = Corpus.path("mime");
        ContentClassifier classifier = new ContentClassifier(AttachmentPolicy.defaults());
        MessageScanner scanner = new MessageScanner(classifier);
        List<String> dangerous = new ArrayList<>();
        List<String> suspicious = new ArrayList<>();
        int messages = 0;
        int standalone = 0;
        int attachments = 0;
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).filter(BenignCorpusTest::isInput).sorted().toList();
        }
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            String name = root.relativize(file).toString();
            List<AttachmentVerdict> verdicts;
            if (ContentClassifier.startsWith(bytes, OLE) || ContentClassifier.startsWith(bytes, TNEF) || name.contains("quick-contents/")) {
                standalone++;
                Classification c = classifier.classify(file.getFileName().toString(), null, bytes);
                verdicts = List.of(new AttachmentVerdict("file", file.getFileName().toString(), null, c.detectedType(), bytes.length, c.findings()));
            } else {
                messages++;
                verdicts = scanner.scan(bytes).attachments();
            }
            for (AttachmentVerdict verdict : verdicts) {
                attachments++;
                String line = name + "#" + verdict.partId() + " " + verdict.filename() + " [" + verdict.detectedType() + "] " + verdict.verdict().code()
                    + " " + verdict.findings().stream()
                        .map(f -> f.reason().code() + (f.path().isEmpty() ? "" : "@" + f.path()) + " (" + f.detail() + ")").toList();
                if (verdict.verdict() == Verdict.DANGEROUS && !JUSTIFIED.containsKey(name + "#" + verdict.partId())) {
                    dangerous.add(line);
                } else if (verdict.verdict() != Verdict.CLEAN) {
                    suspicious.add(line);
                }
            }
        }
        System.out.printf("Benign corpus: %d messages + %d standalone Outlook/TNEF files, %d attachments scanned%n", messages, standalone, attachments);
        System.out.printf("False positives (dangerous): %d of %d = %.2f%%; justified: %d; suspicious (kept by default): %d%n",
            dangerous.size(), attachments, 100.0 * dangerous.size() / Math.max(1, attachments), JUSTIFIED.size(), suspicious.size());
        dangerous.forEach(line -> System.out.println("  DANGEROUS  " + line));
        suspicious.forEach(line -> System.out.println("  SUSPICIOUS " + line));
        assertThat(attachments).isGreaterThan(100);
        assertThat(dangerous).isEmpty();
    }

    /** Skips the expected-output files that ship beside the corpus inputs. */
    private static boolean isInput(Path file) {
        String name = file.getFileName().toString();
        return !(name.endsWith(".xml") && !file.toString().contains("quick-contents")) && !name.endsWith(".json") && !name.endsWith(".out")
            && !name.endsWith(".list") && !name.contains("_decoded") && !name.matches("body\\.\\d+\\.txt") && !name.equals("COPYING")
            && !name.endsWith(".md");
    }
}
