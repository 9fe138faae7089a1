package org.mailhook.attachments;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.mailhook.testing.Corpus;

class MessageScannerTest {
    private final ContentClassifier classifier = new ContentClassifier(AttachmentPolicy.defaults());
    private final MessageScanner scanner = new MessageScanner(classifier);

    @Test
    void partIdsFollowImapNumberingThroughNestedMessages() {
        String inner = "From: a@example.com\r\nSubject: inner\r\nMIME-Version: 1.0\r\n"
            + TestMails.multipart("mixed", "inner", TestMails.textPart("inner text"),
            TestMails.attachment("application/octet-stream", "tool.exe", Samples.peExecutable()));
        byte[] mail = TestMails.mail("nested", TestMails.multipart("mixed", "outer",
            TestMails.multipart("alternative", "alt", TestMails.textPart("plain"), "Content-Type: text/html\r\n\r\n<p>html</p>\r\n"),
            TestMails.attachment("application/pdf", "clean.pdf", Samples.plainPdf()),
            TestMails.attachedMessage(inner)));
        ScanReport report = scanner.scan(mail);
        assertThat(report.attachments()).extracting(AttachmentVerdict::partId).containsExactly("2", "3.2");
        assertThat(report.flagged()).extracting(AttachmentVerdict::partId, AttachmentVerdict::filename)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("3.2", "tool.exe"));
        assertThat(report.verdict()).isEqualTo(Verdict.DANGEROUS);
    }

    @Test
    void singlePartMessageIsPartOne() {
        byte[] mail = TestMails.mail("single", "Content-Type: application/octet-stream; name=\"a.pdf.exe\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n" + java.util.Base64.getMimeEncoder().encodeToString(Samples.peExecutable()) + "\r\n");
        assertThat(scanner.scan(mail).flagged()).extracting(AttachmentVerdict::partId).containsExactly("1");
    }

    @Test
    void encodedFilenamesAreDecodedBeforeTheRules() {
        String part = "Content-Type: application/octet-stream; name=\"=?UTF-8?B?" + java.util.Base64.getEncoder()
            .encodeToString("facture\u202Efdp.exe".getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "?=\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n" + java.util.Base64.getMimeEncoder().encodeToString(Samples.text("x")) + "\r\n";
        ScanReport report = scanner.scan(TestMails.mail("rtlo", TestMails.multipart("mixed", "b", TestMails.textPart("hi"), part)));
        assertThat(report.reasons()).contains("bidi-control", "blocked-extension");
    }

    @Test
    void bothNamesOfAPartAreChecked() {
        // The disposition says PDF, the Content-Type name (what some clients save as) says EXE.
        String part = "Content-Type: application/pdf; name=\"invoice.exe\"\r\nContent-Disposition: attachment; filename=\"invoice.pdf\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n" + java.util.Base64.getMimeEncoder().encodeToString(Samples.plainPdf()) + "\r\n";
        ScanReport report = scanner.scan(TestMails.mail("two names", TestMails.multipart("mixed", "b", TestMails.textPart("hi"), part)));
        assertThat(report.flagged()).singleElement().satisfies(v -> {
            assertThat(v.filename()).isEqualTo("invoice.pdf");
            assertThat(v.reasons()).containsExactly("blocked-extension");
            assertThat(v.findings().get(0).detail()).startsWith("Content-Type name \"invoice.exe\"");
        });
        // RFC 2231 filename*: decoded before the rules.
        String encoded = "Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename*=UTF-8''invoice%E2%80%AEfdp.exe\r\n\r\nx\r\n";
        assertThat(scanner.scan(TestMails.mail("2231", TestMails.multipart("mixed", "b", TestMails.textPart("hi"), encoded))).reasons())
            .contains("bidi-control", "blocked-extension");
    }

    @Test
    void uuencodedFilesInBodyTextAreNamed() {
        String body = "Content-Type: text/plain\r\n\r\nSee below.\r\n\r\nbegin 644 setup.exe\r\n#34UH`\r\n`\r\nend\r\n";
        ScanReport report = scanner.scan(TestMails.mail("uu", body));
        assertThat(report.flagged()).singleElement().satisfies(v -> {
            assertThat(v.partId()).isEqualTo("1");
            assertThat(v.findings()).extracting(Finding::path).containsExactly("setup.exe");
        });
        String harmless = "Content-Type: text/plain\r\n\r\nbegin 644 photo.gif\r\n#34UH`\r\n`\r\nend\r\n";
        assertThat(scanner.scan(TestMails.mail("uu2", harmless)).attachments()).isEmpty();
    }

    @Test
    void cleanMailHasNoFlags() {
        ScanReport report = scanner.scan(TestMails.mailWithAttachment("report.pdf", "application/pdf", Samples.plainPdf()));
        assertThat(report.verdict()).isEqualTo(Verdict.CLEAN);
        assertThat(report.attachments()).hasSize(1);
        assertThat(report.toJson()).contains("\"verdict\" : \"clean\"").contains("\"quarantined\" : [ ]");
    }

    @Test
    void tnefAttachmentsAreOpened() throws Exception {
        // quick-winmail.dat carries quick.doc, quick.pdf ...: blocking .doc proves the TNEF content is walked.
        ContentClassifier blockDoc = new ContentClassifier(AttachmentPolicy.defaults().withBlockedExtensions(AttachmentPolicy.parseExtensions("doc")));
        byte[] winmail = Files.readAllBytes(Corpus.path("mime/apache-poi/tnef/quick-winmail.dat"));
        ScanReport report = new MessageScanner(blockDoc).scan(TestMails.mailWithAttachment("winmail.dat", "application/ms-tnef", winmail));
        assertThat(report.flagged()).singleElement().satisfies(v -> {
            assertThat(v.partId()).isEqualTo("2");
            assertThat(v.findings()).extracting(Finding::path).contains("quick.doc");
        });
    }

    @Test
    void outlookMsgAttachmentsAreOpened() throws Exception {
        ContentClassifier blockPdf = new ContentClassifier(AttachmentPolicy.defaults().withBlockedExtensions(AttachmentPolicy.parseExtensions("pdf")));
        byte[] msg = Files.readAllBytes(Corpus.path("mime/apache-poi/outlook-msg/attachment_msg_pdf.msg"));
        Classification result = blockPdf.classify("fwd.msg", "application/vnd.ms-outlook", msg);
        assertThat(result.findings()).extracting(Finding::reason).contains(Reason.BLOCKED_EXTENSION);
        assertThat(result.findings()).allSatisfy(f -> assertThat(f.path()).endsWithIgnoringCase(".pdf"));
    }

    @Test
    void virusScannerFindingsAndDownPolicy() {
        byte[] mail = TestMails.mailWithAttachment("notes.txt", "text/plain", Samples.text("harmless"));
        VirusScanner infected = content -> VirusScan.found("Win.Test.Fake");
        assertThat(new MessageScanner(classifier, Optional.of(infected), ScannerDownPolicy.WARN).scan(mail).reasons()).containsExactly("virus");

        VirusScanner down = content -> VirusScan.unavailable("connection refused");
        ScanReport warned = new MessageScanner(classifier, Optional.of(down), ScannerDownPolicy.WARN).scan(mail);
        assertThat(warned.verdict()).isEqualTo(Verdict.CLEAN);
        assertThat(warned.warnings()).singleElement().asString().contains("part 2 was not virus-scanned").contains("connection refused");
        ScanReport quarantined = new MessageScanner(classifier, Optional.of(down), ScannerDownPolicy.QUARANTINE).scan(mail);
        assertThat(quarantined.reasons()).containsExactly("scan-unavailable");
        assertThat(quarantined.verdict()).isEqualTo(Verdict.DANGEROUS);
    }

    @Test
    void jsonRoundTripsToTheSummaryTheMatcherReads() {
        ScanReport report = scanner.scan(TestMails.mailWithAttachment("invoice.pdf", "application/pdf", Samples.peExecutable()));
        String json = report.toJson(java.util.Map.of(Verdict.DANGEROUS, "stripped"), java.util.Map.of("released", false));
        assertThat(json).contains("\"partId\" : \"2\"").contains("\"action\" : \"stripped\"").contains("\"filename\" : \"invoice.pdf\"");
        SecuritySummary summary = SecuritySummary.parse(json).orElseThrow();
        assertThat(summary.verdict()).isEqualTo(Verdict.DANGEROUS);
        assertThat(summary.reasons()).containsExactlyInAnyOrder("executable", "type-mismatch");
        assertThat(summary.released()).isFalse();
        assertThat(SecuritySummary.parse("not json")).isEmpty();
    }

    @Test
    void unparseableInputNeverThrows() {
        assertThat(scanner.scan(new byte[0]).attachments()).isEmpty();
        assertThat(scanner.scan("\u0000\u0001garbage".getBytes()).verdict()).isIn(List.of(Verdict.values()).toArray());
    }

    @Test
    void aLargePartIsReadAsItsDecoderGivesItWhateverTheSizeHintSays() throws Exception {
        byte[] content = new byte[600_000];
        new java.util.Random(5).nextBytes(content);
        System.arraycopy(Samples.plainPdf(), 0, content, 0, 8);
        String base64 = java.util.Base64.getMimeEncoder().encodeToString(content);
        String damaged = base64.substring(0, 40_000) + "!!=*" + base64.substring(40_000, 300_000) + "\u00e9=" + base64.substring(300_001);
        for (String body : List.of(base64, damaged)) {
            String entity = "Content-Type: application/pdf; name=\"big.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + body + "\r\n";
            byte[] mail = TestMails.mail("big", entity);
            org.apache.james.mime4j.dom.Message message = MimeParts.parse(mail);
            byte[] decoded;
            try (java.io.InputStream in = MimeParts.decoded(message)) {
                decoded = in.readAllBytes();
            }
            assertThat(MimeParts.decodedSizeHint(message)).as("hint").isPositive();

            AttachmentVerdict verdict = scanner.scan(mail).attachments().get(0);

            assertThat(verdict.size()).as("the decoder's bytes, hint right or not").isEqualTo(decoded.length);
            assertThat(verdict.detectedType()).isEqualTo("application/pdf");
        }
        String raw = "Content-Type: application/octet-stream; name=\"raw.bin\"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            + "x".repeat(300_000) + "\r\n";
        org.apache.james.mime4j.dom.Message eightBit = MimeParts.parse(TestMails.mail("raw", raw));
        long eightBitSize;
        try (java.io.InputStream in = MimeParts.decoded(eightBit)) {
            eightBitSize = in.readAllBytes().length;
        }
        assertThat(eightBitSize).isGreaterThanOrEqualTo(300_000);
        assertThat(MimeParts.decodedSizeHint(eightBit)).as("the raw size, exactly").isEqualTo(eightBitSize);
        assertThat(scanner.scan(TestMails.mail("raw", raw)).attachments().get(0).size()).isEqualTo(eightBitSize);
    }
}
