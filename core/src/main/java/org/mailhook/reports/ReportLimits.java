package org.mailhook.reports;

/**
 * Bounds on the work one report can cause, in the spirit of the attachment scan's limits: reporters send
 * small files, a hostile sender can send a decompression bomb dressed as one.
 *
 * @param maxPartBytes decoded bytes of a report part that are held and read; a larger part is not parsed
 * @param maxExpandedBytes bytes a compressed report may expand to
 * @param maxCompressionRatio expanded/compressed ratio above which a report counts as a bomb, once it is
 *        past {@link #RATIO_FLOOR_BYTES} (small files compress erratically)
 * @param maxRecords rows (DMARC records, TLS policies) kept; the rest are counted as omitted
 */
public record ReportLimits(int maxPartBytes, long maxExpandedBytes, int maxCompressionRatio, int maxRecords) {
    public static final int DEFAULT_MAX_PART_BYTES = 16 * 1024 * 1024;
    public static final long DEFAULT_MAX_EXPANDED_BYTES = 64L * 1024 * 1024;
    /** Real aggregate reports of many similar rows reach about 100 (parsedmarc's large sample: 102). */
    public static final int DEFAULT_MAX_COMPRESSION_RATIO = 500;
    public static final int DEFAULT_MAX_RECORDS = 10_000;
    public static final long RATIO_FLOOR_BYTES = 1024 * 1024;
    /** A part is held in one array, with one byte more to tell that it is over the limit. */
    static final int MAX_ARRAY_BYTES = Integer.MAX_VALUE - 16;

    public ReportLimits {
        if (maxPartBytes < 1 || maxPartBytes > MAX_ARRAY_BYTES || maxExpandedBytes < 1 || maxCompressionRatio < 1 || maxRecords < 1) {
            throw new IllegalArgumentException("report limits must be at least 1 (maxPartBytes at most " + MAX_ARRAY_BYTES + ")");
        }
    }

    public static ReportLimits defaults() {
        return new ReportLimits(DEFAULT_MAX_PART_BYTES, DEFAULT_MAX_EXPANDED_BYTES, DEFAULT_MAX_COMPRESSION_RATIO,
            DEFAULT_MAX_RECORDS);
    }
}
