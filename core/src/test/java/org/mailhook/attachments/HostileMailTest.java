package org.mailhook.attachments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Generated hostile mails: each is scanned within the {@link ScanLimits}, comes back as a report (never an
 * exception, never a rejection), and the finding names the limit that stopped the scan. What lies beyond a
 * limit is never read into memory: the reports show how far each scan went.
 */
class HostileMailTest {
    private static final MessageScanner SCANNER = new MessageScanner(new ContentClassifier(AttachmentPolicy.defaults()));

    record Case(String name, Supplier<byte[]> mail, Reason reason, Verdict verdict, String limit, String partId) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> hostileMails() {
        return Stream.of(
            new Case("10,000 parts", HostileMailTest::tenThousandParts, Reason.LIMIT_EXCEEDED, Verdict.SUSPICIOUS, "maxParts", "1001"),
            new Case("200-deep multiparts", () -> deepMultiparts(200), Reason.LIMIT_EXCEEDED, Verdict.SUSPICIOUS, "maxMimeDepth",
                partIdAtDepth(30)),
            new Case("200-deep attached messages", () -> deepMessages(200), Reason.LIMIT_EXCEEDED, Verdict.SUSPICIOUS, "maxMimeDepth", null),
            new Case("zip bomb (50 MiB of zeros in one entry)", () -> attach("report.zip", "application/zip", zipOfZeros(50)),
                Reason.ARCHIVE_BOMB, Verdict.DANGEROUS, "maxCompressionRatio", "2"),
            new Case("zip entry declaring 1 GiB", () -> attach("big.zip", "application/zip", zipDeclaring(1L << 30)),
                Reason.ARCHIVE_BOMB, Verdict.DANGEROUS, "maxExpandedBytes", "2")
        ).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileMails")
    void hostileMailIsBoundedAndTheVerdictNamesTheLimit(Case hostile) {
        ScanReport report = SCANNER.scan(hostile.mail().get());

        assertThat(report.verdict()).isEqualTo(hostile.verdict());
        List<Finding> findings = report.flagged().stream().flatMap(a -> a.findings().stream()).filter(f -> f.reason() == hostile.reason()).toList();
        assertThat(findings).as(report.toJson()).isNotEmpty();
        assertThat(findings).anySatisfy(f -> assertThat(f.detail()).contains(hostile.limit()));
        if (hostile.partId() != null) {
            assertThat(report.flagged()).anySatisfy(a -> assertThat(a.partId()).isEqualTo(hostile.partId()));
        }
        assertThat(report.toJson()).contains("\"" + hostile.reason().code() + "\"");
    }

    @Test
    void tenThousandPartsScansExactlyTheFirstThousand() {
        ScanReport report = SCANNER.scan(tenThousandParts());
        // 1000 attachments checked, plus the verdict standing for the 9000 that were not.
        assertThat(report.attachments()).hasSize(1001);
        AttachmentVerdict limit = report.flagged().get(report.flagged().size() - 1);
        assertThat(limit.findings().get(0).detail()).contains("9000 parts from part 1001 on were not scanned");
    }

    @Test
    void deepNestingIsCutAtTheLimitAndTheLeafBelowIsNotReached() {
        // The executable at the bottom of a 200-deep tree is not reached: the cut container is reported instead.
        ScanReport report = SCANNER.scan(deepMultiparts(200));
        assertThat(report.reasons()).containsExactly("limit-exceeded");
        assertThat(report.flagged()).singleElement().satisfies(a -> assertThat(a.partId().split("\\.")).hasSize(30));

        ScanReport shallow = SCANNER.scan(deepMultiparts(10));
        assertThat(shallow.reasons()).contains("executable").doesNotContain("limit-exceeded");
    }

    @Test
    void aPartPastMaxPartBytesHasItsHeadCheckedAndIsNotOpened() {
        ScanLimits limits = ScanLimits.defaults().withMimeLimits(1000, 30, 64 * 1024, 64 * 1024);
        MessageScanner small = new MessageScanner(new ContentClassifier(AttachmentPolicy.defaults().withLimits(limits)));
        byte[] bigExe = Arrays.copyOf(Samples.peExecutable(), 300 * 1024);
        ScanReport report = small.scan(attach("tool.bin", "application/octet-stream", bigExe));
        AttachmentVerdict part = report.flagged().get(0);
        assertThat(part.reasons()).contains("executable", "limit-exceeded");
        assertThat(part.size()).isEqualTo(300 * 1024);
        assertThat(part.findings()).anySatisfy(f -> assertThat(f.detail()).contains("maxPartBytes"));

        // A zip past the limit is not opened (its truncated bytes are never parsed as an archive).
        byte[] bigZip = Samples.zip(Map.of("a.txt", Samples.text("x".repeat(10)), "pad.bin", randomBytes(200 * 1024)));
        ScanReport zip = small.scan(attach("files.zip", "application/zip", bigZip));
        assertThat(zip.reasons()).containsExactly("limit-exceeded");
    }

    @Test
    void anArchiveEntryPastMaxArchiveEntryBytesIsCheckedButNotOpened() {
        ScanLimits limits = ScanLimits.defaults().withMimeLimits(1000, 30, 1024 * 1024, 64 * 1024);
        MessageScanner small = new MessageScanner(new ContentClassifier(AttachmentPolicy.defaults().withLimits(limits)));
        byte[] inner = Samples.zip(Map.of("setup.txt", randomBytes(200 * 1024), "x.exe", Samples.peExecutable()));
        ScanReport report = small.scan(attach("outer.zip", "application/zip", Samples.zip("inner.zip", inner)));
        assertThat(report.reasons()).contains("limit-exceeded").doesNotContain("blocked-extension");
        assertThat(report.flagged().get(0).findings()).anySatisfy(f -> {
            assertThat(f.path()).isEqualTo("inner.zip");
            assertThat(f.detail()).contains("maxArchiveEntryBytes");
        });

        // Within the default limit, the same inner zip is opened and its executable found.
        assertThat(SCANNER.scan(attach("outer.zip", "application/zip", Samples.zip("inner.zip", inner))).reasons())
            .contains("blocked-extension").doesNotContain("limit-exceeded");
    }

    @Test
    void limitsAreParsedFromParametersAndErrorsNameTheParameter() {
        Map<String, String> parameters = new HashMap<>(Map.of("maxParts", "50", "maxMimeDepth", "8", "maxPartBytes", "1048576",
            "maxArchiveEntryBytes", "2097152", "maxArchiveDepth", "2", "maxArchiveEntries", "100", "maxExpandedBytes", "5000000",
            "maxCompressionRatio", "20"));
        assertThat(ScanLimits.parse(parameters::get)).isEqualTo(new ScanLimits(50, 8, 1048576, 2097152, 2, 100, 5000000, 20));
        assertThat(ScanLimits.parse(name -> null)).isEqualTo(ScanLimits.defaults());
        assertThat(ScanLimits.parse(name -> " ")).isEqualTo(ScanLimits.defaults());

        for (Map.Entry<String, String> bad : List.of(Map.entry("maxParts", "many"), Map.entry("maxParts", "0"),
            Map.entry("maxMimeDepth", "-1"), Map.entry("maxPartBytes", "100"), Map.entry("maxPartBytes", "99999999999"),
            Map.entry("maxArchiveEntryBytes", "1k"), Map.entry("maxArchiveDepth", "-2"), Map.entry("maxArchiveEntries", "0"),
            Map.entry("maxExpandedBytes", "0"), Map.entry("maxCompressionRatio", "1.5"))) {
            assertThatThrownBy(() -> ScanLimits.parse(name -> name.equals(bad.getKey()) ? bad.getValue() : null))
                .as(bad.toString()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(bad.getKey() + ": '" + bad.getValue() + "' is not ");
        }
    }

    // --- generators -----------------------------------------------------------------------------

    private static byte[] tenThousandParts() {
        StringBuilder mime = new StringBuilder("Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n");
        for (int i = 0; i < 10_000; i++) {
            mime.append("--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"f")
                .append(i).append(".txt\"\r\n\r\nx\r\n");
        }
        return TestMails.mail("parts", mime.append("--b--\r\n").toString());
    }

    /** {@code levels} multiparts inside each other, an executable at the bottom. */
    private static byte[] deepMultiparts(int levels) {
        StringBuilder head = new StringBuilder();
        StringBuilder tail = new StringBuilder();
        for (int i = 0; i < levels; i++) {
            head.insert(0, "");
            head.append("Content-Type: multipart/mixed; boundary=\"l").append(i).append("\"\r\n\r\n--l").append(i).append("\r\n");
            tail.insert(0, "\r\n--l" + i + "--\r\n");
        }
        String leaf = TestMails.attachment("application/octet-stream", "run.exe", Samples.peExecutable());
        return TestMails.mail("deep", head + leaf + tail);
    }

    /** The IMAP part number of the container at nesting level {@code depth + 1} of {@link #deepMultiparts}. */
    private static String partIdAtDepth(int depth) {
        return String.join(".", java.util.Collections.nCopies(depth, "1"));
    }

    /** {@code levels} message/rfc822 parts inside each other. */
    private static byte[] deepMessages(int levels) {
        String inner = "Subject: bottom\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"run.exe\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n" + java.util.Base64.getMimeEncoder().encodeToString(Samples.peExecutable()) + "\r\n";
        for (int i = 0; i < levels; i++) {
            inner = "Subject: level " + i + "\r\nContent-Type: message/rfc822\r\n\r\n" + inner;
        }
        return TestMails.mail("deep messages", TestMails.multipart("mixed", "top", TestMails.textPart("see below"),
            TestMails.attachedMessage(inner)));
    }

    private static byte[] attach(String filename, String contentType, byte[] content) {
        return TestMails.mailWithAttachment(filename, contentType, content);
    }

    /** One deflated entry of {@code mebibytes} MiB of zeros: about 1000:1. */
    private static byte[] zipOfZeros(int mebibytes) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                zip.putNextEntry(new ZipEntry("zeros.txt"));
                byte[] chunk = new byte[1024 * 1024];
                for (int i = 0; i < mebibytes; i++) {
                    zip.write(chunk);
                }
                zip.closeEntry();
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A stored entry of 16 bytes whose local header and central directory both declare {@code declared} bytes. */
    private static byte[] zipDeclaring(long declared) {
        try {
            byte[] data = "sixteen bytes!!\n".getBytes(StandardCharsets.US_ASCII);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                ZipEntry entry = new ZipEntry("huge.iso.txt");
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(data.length);
                entry.setCompressedSize(data.length);
                CRC32 crc = new CRC32();
                crc.update(data);
                entry.setCrc(crc.getValue());
                zip.putNextEntry(entry);
                zip.write(data);
                zip.closeEntry();
            }
            byte[] zip = out.toByteArray();
            ByteBuffer buffer = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
            buffer.putInt(22, (int) declared);                       // local header: uncompressed size
            for (int at = 0; at + 4 <= zip.length; at++) {
                if (buffer.getInt(at) == 0x02014b50) {                // central directory header
                    buffer.putInt(at + 24, (int) declared);
                }
            }
            return zip;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        new java.util.Random(length).nextBytes(bytes);
        return bytes;
    }
}
