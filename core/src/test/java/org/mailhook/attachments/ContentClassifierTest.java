package org.mailhook.attachments;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.tika.metadata.Metadata;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MimeTypes;
import org.junit.jupiter.api.Test;
import org.mailhook.testing.Corpus;

class ContentClassifierTest {
    private final ContentClassifier classifier = new ContentClassifier(AttachmentPolicy.defaults());

    private static List<Reason> reasons(Classification classification) {
        return classification.findings().stream().map(Finding::reason).distinct().toList();
    }

    @Test
    void magicWindowGivesWhatTikaGivesOnTheWholeContent() throws IOException {
        MimeTypes tika = MimeTypes.getDefaultMimeTypes();
        List<byte[]> samples = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Corpus.path(""))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                samples.add(Files.readAllBytes(file));
            }
        }
        byte[] iso = Arrays.copyOf(new byte[32769], 40_000);
        System.arraycopy("CD001".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, iso, 32769, 5);
        samples.add(iso);
        List<String> differing = new ArrayList<>();
        for (byte[] sample : samples) {
            MediaType whole = tika.detect(new ByteArrayInputStream(sample), new Metadata());
            MediaType windowed = classifier.detectByContent(sample);
            if (!whole.equals(windowed)) {
                differing.add(whole + " became " + windowed);
            }
        }

        assertThat(samples).hasSizeGreaterThan(900);
        assertThat(classifier.detectByContent(iso)).hasToString("application/x-iso9660-image");
        assertThat(differing).isEmpty();
    }

    @Test
    void textWhoseFirstEightKilobytesAreTextIsText() {
        // The one deliberate difference from Tika's 64 KB look: neither type is risky, and no magic lies there.
        byte[] textThenBinary = Arrays.copyOf("plain words ".repeat(1_000).getBytes(java.nio.charset.StandardCharsets.US_ASCII), 20_000);

        assertThat(classifier.detectByContent(textThenBinary)).hasToString("text/plain");
    }

    @Test
    void eicarIsAVirusWhateverItsName() {
        Classification result = classifier.classify("readme.txt", "text/plain", Samples.eicar());
        assertThat(reasons(result)).containsExactly(Reason.VIRUS);
        assertThat(result.verdict()).isEqualTo(Verdict.DANGEROUS);
    }

    @Test
    void peHeaderRenamedPdfIsAnExecutableAndAMismatch() {
        Classification result = classifier.classify("invoice.pdf", "application/pdf", Samples.peExecutable());
        assertThat(reasons(result)).containsExactlyInAnyOrder(Reason.EXECUTABLE, Reason.TYPE_MISMATCH);
        assertThat(result.detectedType()).startsWith("application/x-msdownload");
    }

    @Test
    void elfWithoutANameIsAnExecutable() {
        assertThat(reasons(classifier.classify(null, "application/octet-stream", Samples.elfExecutable()))).contains(Reason.EXECUTABLE);
    }

    @Test
    void machOJavaClassAndShortcutAreExecutables() {
        byte[] machO64 = {(byte) 0xCF, (byte) 0xFA, (byte) 0xED, (byte) 0xFE, 7, 0, 0, 1, 3, 0, 0, 0, 2, 0, 0, 0};
        byte[] javaClass = {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, 0, 61, 0, 10};
        byte[] shortcut = {0x4C, 0, 0, 0, 0x01, 0x14, 0x02, 0, 0, 0, 0, 0, (byte) 0xC0, 0, 0, 0, 0, 0, 0, 0x46, 0, 0};
        assertThat(reasons(classifier.classify("tool", null, machO64))).contains(Reason.EXECUTABLE);
        assertThat(reasons(classifier.classify("Main.dat", null, javaClass))).contains(Reason.EXECUTABLE);
        assertThat(reasons(classifier.classify("photo.dat", null, shortcut))).contains(Reason.EXECUTABLE);
    }

    @Test
    void blockedAndDoubleExtensions() {
        assertThat(reasons(classifier.classify("invoice.pdf.exe", null, Samples.text("hello"))))
            .containsExactlyInAnyOrder(Reason.BLOCKED_EXTENSION, Reason.DOUBLE_EXTENSION);
        assertThat(reasons(classifier.classify("scan.jpg          .scr", null, Samples.text("hello"))))
            .containsExactlyInAnyOrder(Reason.BLOCKED_EXTENSION, Reason.DOUBLE_EXTENSION);
        assertThat(reasons(classifier.classify("setup.EXE", null, Samples.text("hello")))).containsExactly(Reason.BLOCKED_EXTENSION);
        assertThat(reasons(classifier.classify("report.final.pdf", null, Samples.plainPdf()))).isEmpty();
    }

    @Test
    void trailingDotsAndSpacesAreJudgedAsWindowsSeesThem() {
        assertThat(reasons(classifier.classify("evil.exe. . ", null, Samples.text("x"))))
            .containsExactlyInAnyOrder(Reason.TRAILING_DOT_OR_SPACE, Reason.BLOCKED_EXTENSION);
        assertThat(classifier.classify("notes.txt.", null, Samples.text("x")).verdict()).isEqualTo(Verdict.SUSPICIOUS);
    }

    @Test
    void rightToLeftOverrideHidesTheRealExtension() {
        // Displays as "invoice_gpj.exe" reversed: "invoiceexe.jpg".
        Classification result = classifier.classify("invoice\u202Egpj.exe", null, Samples.text("x"));
        assertThat(reasons(result)).contains(Reason.BIDI_CONTROL, Reason.BLOCKED_EXTENSION);
        assertThat(result.verdict()).isEqualTo(Verdict.DANGEROUS);
        // Hebrew names with plain direction marks are fine.
        assertThat(reasons(classifier.classify("\u05D3\u05D5\u05D7\u200F.pdf", null, Samples.plainPdf()))).isEmpty();
    }

    @Test
    void configurableExtensionList() {
        ContentClassifier custom = new ContentClassifier(AttachmentPolicy.defaults()
            .withBlockedExtensions(AttachmentPolicy.parseExtensions("default, -iso, .xz")));
        assertThat(reasons(custom.classify("disk.iso", null, Samples.text("x")))).isEmpty();
        assertThat(reasons(custom.classify("a.xz", null, Samples.text("x")))).containsExactly(Reason.BLOCKED_EXTENSION);
        assertThat(reasons(custom.classify("a.exe", null, Samples.text("x")))).containsExactly(Reason.BLOCKED_EXTENSION);
    }

    @Test
    void shebangAndHtaAreScripts() {
        assertThat(reasons(classifier.classify("run", null, Samples.text("#!/bin/sh\nrm -rf ~\n")))).contains(Reason.SCRIPT);
        assertThat(reasons(classifier.classify("page.html", "text/html",
            Samples.text("<html><head><HTA:APPLICATION ID=\"x\"/></head><body><script>1</script></body></html>")))).contains(Reason.SCRIPT);
        assertThat(reasons(classifier.classify("page.html", "text/html", Samples.text("<html><body>hi</body></html>")))).isEmpty();
    }

    @Test
    void htmlSmugglingIsCaughtAndOrdinaryScriptsAreNot() {
        String smuggler = "<html><body><script>var b = atob('TVqQAAMAAAAEAAAA');var a = new Uint8Array(b.length);"
            + "var f = new Blob([a], {type: 'application/octet-stream'}); var l = document.createElement('a');"
            + "l.href = URL.createObjectURL(f); l.download = 'invoice.iso'; l.click();</script></body></html>";
        Classification result = classifier.classify("invoice.html", "text/html", Samples.text(smuggler));
        assertThat(reasons(result)).containsExactly(Reason.HTML_SMUGGLING);
        String ordinary = "<html><head><script>document.addEventListener('DOMContentLoaded', () => console.log('hi'));</script></head>"
            + "<body>Newsletter</body></html>";
        assertThat(reasons(classifier.classify("newsletter.html", "text/html", Samples.text(ordinary)))).isEmpty();
        String svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>var d = atob('UEsDBA=='); saveAs(new Blob([d]));</script></svg>";
        assertThat(reasons(classifier.classify("logo.svg", "image/svg+xml", Samples.text(svg)))).containsExactly(Reason.HTML_SMUGGLING);
    }

    @Test
    void zipContainingAnExe() {
        Classification result = classifier.classify("docs.zip", "application/zip", Samples.zip("setup.exe", Samples.peExecutable()));
        assertThat(result.findings()).extracting(Finding::reason, Finding::path)
            .contains(org.assertj.core.groups.Tuple.tuple(Reason.BLOCKED_EXTENSION, "setup.exe"),
                org.assertj.core.groups.Tuple.tuple(Reason.EXECUTABLE, "setup.exe"));
    }

    @Test
    void zipWhoseLocalHeaderNamesAnotherFile() {
        byte[] zip = Samples.zip("invoice.pdf", Samples.plainPdf());
        // Same length, so only the local header's copy of the name changes: "invoice.exe".
        for (int i = 0; i + 4 <= zip.length; i++) {
            if (zip[i] == 'P' && zip[i + 1] == 'K' && zip[i + 2] == 3 && zip[i + 3] == 4) {
                int nameStart = i + 30 + 8;
                zip[nameStart] = 'e';
                zip[nameStart + 1] = 'x';
                zip[nameStart + 2] = 'e';
                break;
            }
        }
        Classification result = classifier.classify("docs.zip", null, zip);
        assertThat(result.findings()).extracting(Finding::reason, Finding::path)
            .containsExactly(org.assertj.core.groups.Tuple.tuple(Reason.BLOCKED_EXTENSION, "invoice.exe"));
        assertThat(reasons(classifier.classify("docs.zip", null, Samples.zip("invoice.pdf", Samples.plainPdf())))).isEmpty();
    }

    @Test
    void zipInZipIsOpenedRecursively() {
        byte[] inner = Samples.zip("payload/readme.pdf.exe", Samples.peExecutable());
        Classification result = classifier.classify("outer.zip", null, Samples.zip("inner.zip", inner));
        assertThat(result.findings()).extracting(Finding::path).contains("inner.zip!/payload/readme.pdf.exe");
        assertThat(reasons(result)).contains(Reason.EXECUTABLE, Reason.DOUBLE_EXTENSION);
    }

    @Test
    void depthLimitStopsOpeningAndSaysSo() {
        byte[] nested = Samples.zip("clean.txt", Samples.text("hello"));
        for (int i = 0; i < 6; i++) {
            nested = Samples.zip("level" + i + ".zip", nested);
        }
        Classification result = classifier.classify("deep.zip", null, nested);
        assertThat(reasons(result)).containsExactly(Reason.ARCHIVE_TOO_DEEP);
        assertThat(result.verdict()).isEqualTo(Verdict.SUSPICIOUS);
    }

    @Test
    void passwordProtectedZip() {
        Classification result = classifier.classify("secret.zip", null, Samples.encryptedZip("report.exe", Samples.peExecutable()));
        assertThat(reasons(result)).contains(Reason.ARCHIVE_ENCRYPTED, Reason.BLOCKED_EXTENSION);
        Classification quiet = classifier.classify("secret.zip", null, Samples.encryptedZip("report.txt", Samples.text("hello")));
        assertThat(reasons(quiet)).containsExactly(Reason.ARCHIVE_ENCRYPTED);
    }

    @Test
    void nestedZipBombIsStoppedWithinTheBudget() {
        // 16^4 copies of 8 MiB of zeros: 512 GiB if expanded; about 100 KiB as sent.
        byte[] bomb = Samples.nestedBomb(8 * 1024 * 1024, 16, 4);
        assertThat(bomb.length).isLessThan(2 * 1024 * 1024);
        long before = System.nanoTime();
        Classification result = classifier.classify("42.zip", null, bomb);
        assertThat(reasons(result)).contains(Reason.ARCHIVE_BOMB);
        assertThat(System.nanoTime() - before).isLessThan(10_000_000_000L);
    }

    @Test
    void flatBombByTotalSizeAndManyEntries() {
        ContentClassifier small = new ContentClassifier(AttachmentPolicy.defaults().withLimits(4, 100, 10 * 1024 * 1024, 1000));
        Map<String, byte[]> many = new LinkedHashMap<>();
        for (int i = 0; i < 4; i++) {
            // Incompressible, so only the 10 MiB total expansion limit can catch it.
            many.put("part" + i + ".bin", randomBytes(i, 3 * 1024 * 1024));
        }
        assertThat(reasons(small.classify("big.zip", null, Samples.zip(many)))).containsExactly(Reason.ARCHIVE_BOMB);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < 150; i++) {
            entries.put("f" + i + ".txt", Samples.text("x"));
        }
        assertThat(reasons(small.classify("many.zip", null, Samples.zip(entries)))).containsExactly(Reason.ARCHIVE_BOMB);
    }

    private static byte[] randomBytes(long seed, int size) {
        byte[] bytes = new byte[size];
        new java.util.Random(seed).nextBytes(bytes);
        return bytes;
    }

    @Test
    void gzipAndTarGz() {
        assertThat(reasons(classifier.classify("tool.gz", null, Samples.gzip(Samples.peExecutable())))).contains(Reason.EXECUTABLE);
        Classification tgz = classifier.classify("bundle.tar.gz", null, Samples.gzip(Samples.tar("bin/run.sh", Samples.text("#!/bin/bash\necho\n"))));
        assertThat(tgz.findings()).extracting(Finding::path).contains("bundle.tar!/bin/run.sh");
        assertThat(reasons(tgz)).contains(Reason.SCRIPT);
        assertThat(reasons(classifier.classify("notes.txt.gz", null, Samples.gzip(Samples.text("plain notes"))))).isEmpty();
    }

    @Test
    void rarAnd7zAreDetectedButNotOpened() {
        byte[] rar = {'R', 'a', 'r', '!', 0x1A, 0x07, 0x01, 0x00, 0, 0, 0, 0};
        assertThat(reasons(classifier.classify("files.rar", null, rar))).containsExactly(Reason.ARCHIVE_UNINSPECTABLE);
        byte[] sevenZip = {'7', 'z', (byte) 0xBC, (byte) 0xAF, 0x27, 0x1C, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0};
        assertThat(reasons(classifier.classify("files.7z", null, sevenZip))).containsExactly(Reason.ARCHIVE_UNINSPECTABLE);
    }

    @Test
    void officeMacros() {
        Classification docm = classifier.classify("invoice.docm", null, Samples.docmWithVbaProject());
        assertThat(reasons(docm)).containsExactly(Reason.OFFICE_MACRO);
        // The same package renamed .docx still carries its VBA project.
        assertThat(reasons(classifier.classify("invoice.docx", null, Samples.docmWithVbaProject()))).containsExactly(Reason.OFFICE_MACRO);
        assertThat(reasons(classifier.classify("letter.docx", null, Samples.docx()))).isEmpty();
        assertThat(reasons(classifier.classify("old.doc", null, Samples.oleWithStorages("Macros", "VBA")))).containsExactly(Reason.OFFICE_MACRO);
        assertThat(reasons(classifier.classify("sheet.xls", null, Samples.oleWithStorages("_VBA_PROJECT_CUR", "VBA")))).containsExactly(Reason.OFFICE_MACRO);
        assertThat(reasons(classifier.classify("old.doc", null, Samples.oleWithStorages()))).isEmpty();
    }

    @Test
    void openDocumentBasicMacros() {
        Map<String, byte[]> odt = new LinkedHashMap<>();
        odt.put("mimetype", Samples.text("application/vnd.oasis.opendocument.text"));
        odt.put("META-INF/manifest.xml", Samples.text("<manifest:manifest/>"));
        odt.put("content.xml", Samples.text("<office:document-content/>"));
        odt.put("Basic/script-lc.xml", Samples.text("<library:libraries/>"));
        odt.put("Basic/Standard/script-lb.xml", Samples.text("<library:library/>"));
        assertThat(reasons(classifier.classify("letter.odt", null, Samples.zip(odt)))).isEmpty();
        odt.put("Basic/Standard/Module1.xml", Samples.text("<script:module>Sub Main : Shell(\"calc\") : End Sub</script:module>"));
        assertThat(reasons(classifier.classify("letter.odt", null, Samples.zip(odt)))).containsExactly(Reason.OFFICE_MACRO);
    }

    @Test
    void msiByItsOleClassId() {
        assertThat(reasons(classifier.classify("update.doc", null, Samples.msiInstaller()))).contains(Reason.EXECUTABLE);
    }

    @Test
    void pdfActions() {
        assertThat(reasons(classifier.classify("a.pdf", null, Samples.pdfWithJavaScript(false)))).containsExactly(Reason.PDF_JAVASCRIPT);
        assertThat(reasons(classifier.classify("a.pdf", null, Samples.pdfWithJavaScript(true)))).containsExactly(Reason.PDF_JAVASCRIPT);
        assertThat(reasons(classifier.classify("a.pdf", null, Samples.pdfWithLaunch()))).containsExactly(Reason.PDF_LAUNCH);
        assertThat(reasons(classifier.classify("a.pdf", null, Samples.plainPdf()))).isEmpty();
    }

    @Test
    void mismatchOnlyForRiskyContent() {
        assertThat(reasons(classifier.classify("photo.jpg", "image/jpeg", Samples.zip("a.txt", Samples.text("x")))))
            .containsExactly(Reason.TYPE_MISMATCH);
        // A PNG called .jpg happens all the time and is harmless.
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 'I', 'H', 'D', 'R'};
        assertThat(reasons(classifier.classify("photo.jpg", "image/jpeg", png))).isEmpty();
        assertThat(reasons(classifier.classify("letter.docx", null, Samples.docx()))).isEmpty();
        assertThat(reasons(classifier.classify("old.doc", "application/msword", Samples.oleWithStorages()))).isEmpty();
    }

    @Test
    void garbageNeverThrows() {
        byte[] brokenZip = {'P', 'K', 3, 4, 1, 2, 3};
        assertThat(classifier.classify("x.zip", null, brokenZip).verdict()).isNotNull();
        byte[] brokenOle = {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0, (byte) 0xA1, (byte) 0xB1, 0x1A, (byte) 0xE1, 0, 0};
        assertThat(reasons(classifier.classify("x.doc", null, brokenOle))).containsExactly(Reason.UNREADABLE);
        assertThat(classifier.classify(null, null, new byte[0]).findings()).isEmpty();
    }
}
