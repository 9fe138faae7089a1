package org.mailhook.attachments;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The state of classifying one attachment: its findings and the decompression budget shared by all
 * nesting levels, so a bomb is stopped however it is spread over entries and levels.
 */
final class Inspection {
    /** Enough for every magic number the classifier reads (ISO 9660 sits at 32 KiB). */
    static final int HEAD_BYTES = 64 * 1024;
    /** Past this many findings, only findings with a new reason are kept (a 10,000-entry archive stays readable). */
    private static final int MAX_FINDINGS = 50;

    private final AttachmentPolicy policy;
    private final List<Finding> findings = new ArrayList<>();
    private long expandedBytes;
    private int entries;
    private boolean stopped;
    /** Paths whose content was cut at a byte limit: only their head is held, so they are not opened as containers. */
    private final Set<String> truncated = new HashSet<>();

    Inspection(AttachmentPolicy policy) {
        this.policy = policy;
    }

    AttachmentPolicy policy() {
        return policy;
    }

    void add(Finding finding) {
        if (findings.size() >= MAX_FINDINGS && findings.stream().anyMatch(f -> f.reason() == finding.reason())) {
            return;
        }
        if (!findings.contains(finding)) {
            findings.add(finding);
        }
    }

    void addAll(List<Finding> more) {
        more.forEach(this::add);
    }

    List<Finding> findings() {
        return findings;
    }

    /** Records that only the head of {@code path} is held (a byte limit cut it), so it is checked but never opened. */
    void truncated(String path, String detail) {
        truncated.add(path);
        add(new Finding(Reason.LIMIT_EXCEEDED, path, detail));
    }

    boolean isTruncated(String path) {
        return truncated.contains(path);
    }

    /** True once a bomb was found: every walker stops opening anything more. */
    boolean stopped() {
        return stopped;
    }

    private void bomb(String path, String detail) {
        add(new Finding(Reason.ARCHIVE_BOMB, path, detail));
        stopped = true;
    }

    /** Counts one more archive entry; false (and a bomb finding) past the entry limit. */
    boolean countEntry(String path) {
        if (++entries > policy.maxEntries()) {
            bomb(path, "more than " + policy.maxEntries() + " archive entries (maxArchiveEntries)");
            return false;
        }
        return true;
    }

    /** Checks an entry's declared sizes before reading it; false (and a bomb finding) when they already exceed a limit. */
    boolean acceptDeclared(String path, long size, long compressedSize) {
        if (size > policy.maxExpandedBytes() - expandedBytes) {
            bomb(path, "declares " + size + " bytes, over the " + policy.maxExpandedBytes() + "-byte expansion limit (maxExpandedBytes)");
            return false;
        }
        if (compressedSize > 0 && size > AttachmentPolicy.RATIO_FLOOR_BYTES && size / compressedSize > policy.maxCompressionRatio()) {
            bomb(path, "declares a compression ratio of " + (size / compressedSize) + ":1, over " + policy.maxCompressionRatio() + ":1 (maxCompressionRatio)");
            return false;
        }
        return true;
    }

    /**
     * Reads a decompressing stream, never past the expansion budget nor the ratio limit (declared
     * sizes can lie, so the real byte count is what counts). Only the first {@link #HEAD_BYTES} are
     * kept, unless {@code keepWhole} says from them that the entry must be opened in turn (an archive,
     * Office file, PDF ...): the rest of a plain entry is counted and dropped, so memory holds no more
     * than the containers still to open.
     *
     * @param compressedSize bytes the stream was inflated from, or -1 when unknown (no ratio check)
     * @return the whole entry or its head, or null after recording a bomb
     */
    byte[] readEntry(InputStream in, long compressedSize, String path, Predicate<byte[]> keepWhole) throws IOException {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        long read = 0;
        Boolean whole = null;
        int n;
        while ((n = in.read(buffer)) > 0) {
            read += n;
            expandedBytes += n;
            if (expandedBytes > policy.maxExpandedBytes()) {
                bomb(path, "expands past the " + policy.maxExpandedBytes() + "-byte limit for one attachment (maxExpandedBytes)");
                return null;
            }
            if (compressedSize > 0 && read > AttachmentPolicy.RATIO_FLOOR_BYTES && read / compressedSize > policy.maxCompressionRatio()) {
                bomb(path, "expands at more than " + policy.maxCompressionRatio() + ":1 (maxCompressionRatio; "
                    + compressedSize + " bytes to over " + read + ")");
                return null;
            }
            if (whole == null || whole) {
                if (whole != null && kept.size() + (long) n > policy.limits().maxArchiveEntryBytes()) {
                    // Too big to hold and open: keep the head (already checked for its type), count and drop the rest.
                    byte[] head = Arrays.copyOf(kept.toByteArray(), HEAD_BYTES);
                    kept = new ByteArrayOutputStream();
                    kept.write(head, 0, head.length);
                    whole = false;
                    truncated(path, "entry expands past " + policy.limits().maxArchiveEntryBytes()
                        + " bytes (maxArchiveEntryBytes): only its first " + HEAD_BYTES + " bytes were checked, it was not opened");
                } else {
                    kept.write(buffer, 0, n);
                }
            }
            if (whole == null && kept.size() >= HEAD_BYTES) {
                whole = keepWhole.test(kept.toByteArray());
            }
        }
        return kept.toByteArray();
    }
}
