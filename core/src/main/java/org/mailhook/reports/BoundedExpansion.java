package org.mailhook.reports;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Unpacks a gzip or zip report within {@link ReportLimits}: never more than {@code maxExpandedBytes}, and
 * never more than {@code maxCompressionRatio} times the compressed size once past the ratio floor. Reading
 * stops at the first byte over a bound, so a bomb costs at most the bound.
 */
final class BoundedExpansion {
    /** Zip entries looked at for the report; reporters send one. */
    private static final int MAX_ZIP_ENTRIES = 16;

    private final ReportLimits limits;

    BoundedExpansion(ReportLimits limits) {
        this.limits = limits;
    }

    /** An unpacked file and its name inside the archive (null for gzip, which names it only optionally). */
    record Unpacked(String name, byte[] bytes) {
    }

    /** Gzip, with members concatenated and trailing bytes after the last member ignored, as gzip(1) does. */
    Unpacked gunzip(byte[] compressed) throws ReportException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed), 8192)) {
            return new Unpacked(null, expand(in, compressed.length));
        } catch (IOException e) {
            throw new ReportException("gzip data is corrupt: " + e.getMessage(), false);
        }
    }

    /** The first entry named {@code .xml} or {@code .json}, else the first file, of a zip archive. */
    Unpacked unzip(byte[] compressed) throws ReportException {
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(compressed))) {
            Unpacked first = null;
            ZipEntry entry;
            for (int seen = 0; seen < MAX_ZIP_ENTRIES && (entry = zip.getNextEntry()) != null; seen++) {
                if (entry.isDirectory()) {
                    continue;
                }
                String name = entry.getName().toLowerCase(Locale.ROOT);
                boolean named = name.endsWith(".xml") || name.endsWith(".json");
                if (named || first == null) {
                    Unpacked unpacked = new Unpacked(entry.getName(), expand(zip, compressed.length));
                    if (named) {
                        return unpacked;
                    }
                    first = unpacked;
                }
            }
            if (first == null) {
                throw new ReportException("zip archive holds no file", false);
            }
            return first;
        } catch (IOException | IllegalArgumentException e) {
            // ZipInputStream throws IllegalArgumentException for entry names that are not valid in their charset
            throw new ReportException("zip data is corrupt: " + e.getMessage(), false);
        }
    }

    private byte[] expand(InputStream in, long compressedBytes) throws IOException, ReportException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        long total = 0;
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            total += n;
            if (total > limits.maxExpandedBytes()) {
                throw new ReportException("expands beyond " + limits.maxExpandedBytes() + " bytes; not read", false);
            }
            if (total > ReportLimits.RATIO_FLOOR_BYTES && total > limits.maxCompressionRatio() * Math.max(1, compressedBytes)) {
                throw new ReportException("expands more than " + limits.maxCompressionRatio()
                    + " times its compressed size; not read", false);
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
