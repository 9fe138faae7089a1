package org.mailhook.attachments;

import java.util.function.Function;

import org.mailhook.config.ParameterValues;

/**
 * Every bound on the work one mail can cause in the attachment scan, as one immutable value: how
 * many MIME parts are scanned, how deep the MIME tree is walked, how many decoded bytes of a part and
 * of an archive entry are inspected, and how far archives are opened (depth, entries, bytes, ratio).
 * Beyond a bound nothing more is read; what was not inspected is reported ({@link Reason#LIMIT_EXCEEDED},
 * or {@link Reason#ARCHIVE_BOMB} for the archive budget) and the mail goes on.
 *
 * @param maxParts MIME leaf parts scanned per mail; later parts are not scanned
 * @param maxMimeDepth multiparts and attached messages nested inside each other; deeper ones are not walked
 * @param maxPartBytes decoded bytes of one MIME part that are read and inspected
 * @param maxArchiveEntryBytes decompressed bytes of one archive entry kept to open it in turn (a nested archive, Office file, PDF)
 * @param maxArchiveDepth containers (archive in archive, file in TNEF ...) opened inside each other
 * @param maxArchiveEntries entries per attachment, all levels together, before it counts as a bomb
 * @param maxExpandedBytes bytes decompressed per attachment, all levels together, before it counts as a bomb
 * @param maxCompressionRatio expanded/compressed ratio of one entry above which it counts as a bomb (past 1 MiB)
 */
public record ScanLimits(int maxParts, int maxMimeDepth, long maxPartBytes, long maxArchiveEntryBytes,
                         int maxArchiveDepth, int maxArchiveEntries, long maxExpandedBytes, int maxCompressionRatio) {
    public static final int DEFAULT_MAX_PARTS = 1000;
    public static final int DEFAULT_MAX_MIME_DEPTH = 30;
    public static final long DEFAULT_MAX_PART_BYTES = 32L * 1024 * 1024;
    public static final long DEFAULT_MAX_ARCHIVE_ENTRY_BYTES = 32L * 1024 * 1024;
    public static final int DEFAULT_MAX_ARCHIVE_DEPTH = 4;
    public static final int DEFAULT_MAX_ARCHIVE_ENTRIES = 10_000;
    public static final long DEFAULT_MAX_EXPANDED_BYTES = 100L * 1024 * 1024;
    public static final int DEFAULT_MAX_COMPRESSION_RATIO = 100;

    /** Smaller than this, a part or entry could not even be recognised (every magic number lies in the first 64 KiB). */
    static final long MIN_BYTES = Inspection.HEAD_BYTES;

    public ScanLimits {
        atLeast("maxParts", maxParts, 1);
        atLeast("maxMimeDepth", maxMimeDepth, 1);
        atLeast("maxPartBytes", maxPartBytes, MIN_BYTES);
        atLeast("maxArchiveEntryBytes", maxArchiveEntryBytes, MIN_BYTES);
        atLeast("maxArchiveDepth", maxArchiveDepth, 0);
        atLeast("maxArchiveEntries", maxArchiveEntries, 1);
        atLeast("maxExpandedBytes", maxExpandedBytes, 1);
        atLeast("maxCompressionRatio", maxCompressionRatio, 1);
    }

    public static ScanLimits defaults() {
        return new ScanLimits(DEFAULT_MAX_PARTS, DEFAULT_MAX_MIME_DEPTH, DEFAULT_MAX_PART_BYTES, DEFAULT_MAX_ARCHIVE_ENTRY_BYTES,
            DEFAULT_MAX_ARCHIVE_DEPTH, DEFAULT_MAX_ARCHIVE_ENTRIES, DEFAULT_MAX_EXPANDED_BYTES, DEFAULT_MAX_COMPRESSION_RATIO);
    }

    /**
     * Reads the limits from mailet parameters (absent or blank: the default).
     *
     * @param parameter a parameter's value by name, null when absent
     * @throws IllegalArgumentException naming the parameter, for a value that is not a whole number or out of range
     */
    public static ScanLimits parse(Function<String, String> parameter) {
        ScanLimits d = defaults();
        ParameterValues values = ParameterValues.of(parameter);
        // The same lower bounds as the constructor's, so a bad parameter is reported as written.
        return new ScanLimits(
            values.wholeNumber("maxParts", d.maxParts, 1, Integer.MAX_VALUE),
            values.wholeNumber("maxMimeDepth", d.maxMimeDepth, 1, Integer.MAX_VALUE),
            values.bytes("maxPartBytes", d.maxPartBytes, MIN_BYTES, Integer.MAX_VALUE - 16),
            values.bytes("maxArchiveEntryBytes", d.maxArchiveEntryBytes, MIN_BYTES, Integer.MAX_VALUE - 16),
            values.wholeNumber("maxArchiveDepth", d.maxArchiveDepth, 0, Integer.MAX_VALUE),
            values.wholeNumber("maxArchiveEntries", d.maxArchiveEntries, 1, Integer.MAX_VALUE),
            values.bytes("maxExpandedBytes", d.maxExpandedBytes, 1, Long.MAX_VALUE),
            values.wholeNumber("maxCompressionRatio", d.maxCompressionRatio, 1, Integer.MAX_VALUE));
    }

    private static void atLeast(String name, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", got '" + value + "'");
        }
    }

    public ScanLimits withArchiveLimits(int depth, int entries, long expandedBytes, int compressionRatio) {
        return new ScanLimits(maxParts, maxMimeDepth, maxPartBytes, maxArchiveEntryBytes, depth, entries, expandedBytes, compressionRatio);
    }

    public ScanLimits withMimeLimits(int parts, int mimeDepth, long partBytes, long archiveEntryBytes) {
        return new ScanLimits(parts, mimeDepth, partBytes, archiveEntryBytes, maxArchiveDepth, maxArchiveEntries, maxExpandedBytes,
            maxCompressionRatio);
    }
}
