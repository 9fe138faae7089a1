package org.mailhook.webadmin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SafeDownloadTest {

    @Test
    void fileNamesLoseDirectoriesControlAndBidiCharactersAndReservedPunctuation() {
        assertThat(SafeDownload.filename("../../etc/passwd", "f.bin")).isEqualTo("passwd");
        assertThat(SafeDownload.filename("C:\\Users\\x\\report.pdf", "f.bin")).isEqualTo("report.pdf");
        assertThat(SafeDownload.filename("invoice\u202Efdp.exe", "f.bin")).isEqualTo("invoicefdp.exe");
        assertThat(SafeDownload.filename("a\r\nContent-Type: text/x\u0000.txt", "f.bin")).isEqualTo("x.txt");
        assertThat(SafeDownload.filename("a\tb\u0007c\u200Bd.txt", "f.bin")).isEqualTo("abcd.txt");
        assertThat(SafeDownload.filename("\"quoted\"; name=<x>.txt", "f.bin")).isEqualTo("quoted name=x.txt");
        assertThat(SafeDownload.filename(" ..hidden. ", "f.bin")).isEqualTo("hidden");
        assertThat(SafeDownload.filename("résumé 2026.pdf", "f.bin")).isEqualTo("résumé 2026.pdf");
        assertThat(SafeDownload.filename("x".repeat(400) + ".txt", "f.bin")).hasSize(150);
        assertThat(SafeDownload.filename(null, "f.bin")).isEqualTo("f.bin");
        assertThat(SafeDownload.filename("../..", "f.bin")).isEqualTo("f.bin");
        assertThat(SafeDownload.filename("\u202E", "f.bin")).isEqualTo("f.bin");
    }

    @Test
    void theDispositionIsAlwaysAnAttachmentWithAnRfc5987Name() {
        assertThat(SafeDownload.contentDisposition("résumé 2026.pdf"))
            .isEqualTo("attachment; filename*=UTF-8''r%C3%A9sum%C3%A9%202026.pdf");
        assertThat(SafeDownload.contentDisposition("a'b*c(d).txt")).isEqualTo("attachment; filename*=UTF-8''a%27b%2Ac%28d%29.txt");
        assertThat(SafeDownload.contentDisposition("m1764396000123-000000-3fa2c19e-mh1_9f2c.eml"))
            .isEqualTo("attachment; filename*=UTF-8''m1764396000123-000000-3fa2c19e-mh1_9f2c.eml");
    }

    @Test
    void onlyNamedPartsOfInertTypesKeepTheSendersType() {
        assertThat(SafeDownload.contentType("text/csv; charset=utf-8", true)).isEqualTo("text/csv");
        assertThat(SafeDownload.contentType("Image/PNG", true)).isEqualTo("image/png");
        assertThat(SafeDownload.contentType("image/png", false)).isEqualTo("application/octet-stream");
        assertThat(SafeDownload.contentType("text/plain", false)).isEqualTo("application/octet-stream");
        for (String active : new String[] {"text/html", "TEXT/HTML; charset=utf-8", "image/svg+xml", "application/xhtml+xml",
            "text/xml", "application/xml", "application/atom+xml", "text/javascript", "application/x-ecmascript",
            "application/vnd.foo-script", "application/pdf", "multipart/x-mixed-replace; boundary=x"}) {
            assertThat(SafeDownload.contentType(active, true)).as(active).isEqualTo("application/octet-stream");
        }
        assertThat(SafeDownload.contentType("text/plain\r\nX-Injected: 1", true)).isEqualTo("application/octet-stream");
        assertThat(SafeDownload.contentType("nonsense", true)).isEqualTo("application/octet-stream");
        assertThat(SafeDownload.contentType(null, true)).isEqualTo("application/octet-stream");
    }
}
