package org.mailhook.attachments;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * What the classifier blocks and how far it opens archives.
 *
 * @param blockedExtensions lowercase extensions without the dot
 * @param limits the bounds of the scan (MIME parts and depth, bytes per part and entry, archive depth,
 *               entries, expansion and compression ratio); see {@link ScanLimits}
 */
public record AttachmentPolicy(Set<String> blockedExtensions, ScanLimits limits) {

    /** Windows-executable and script types, installers, shortcuts, disk images (as the issue lists, plus their kin). */
    public static final Set<String> DEFAULT_BLOCKED_EXTENSIONS = Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList(
        "exe", "scr", "com", "pif", "bat", "cmd", "js", "jse", "vbs", "vbe", "wsf", "wsh", "wsc", "ws", "hta",
        "ps1", "psm1", "psd1", "msi", "msp", "mst", "jar", "lnk", "iso", "img", "vhd", "vhdx", "dll", "cpl",
        "reg", "scf", "inf", "msc", "sct", "chm", "hlp", "gadget", "application", "appref-ms", "url",
        "library-ms", "settingcontent-ms", "xll", "appx", "appxbundle", "msix", "msixbundle", "sys", "drv", "ocx")));

    /** Small files may compress extremely well (a page of zeros); the ratio only counts above this size. */
    public static final long RATIO_FLOOR_BYTES = 1024 * 1024;

    public static final int DEFAULT_MAX_DEPTH = ScanLimits.DEFAULT_MAX_ARCHIVE_DEPTH;
    public static final int DEFAULT_MAX_ENTRIES = ScanLimits.DEFAULT_MAX_ARCHIVE_ENTRIES;
    public static final long DEFAULT_MAX_EXPANDED_BYTES = ScanLimits.DEFAULT_MAX_EXPANDED_BYTES;
    public static final int DEFAULT_MAX_COMPRESSION_RATIO = ScanLimits.DEFAULT_MAX_COMPRESSION_RATIO;

    public AttachmentPolicy {
        blockedExtensions = Set.copyOf(blockedExtensions);
        java.util.Objects.requireNonNull(limits, "limits");
    }

    public static AttachmentPolicy defaults() {
        return new AttachmentPolicy(DEFAULT_BLOCKED_EXTENSIONS, ScanLimits.defaults());
    }

    public AttachmentPolicy withBlockedExtensions(Set<String> extensions) {
        return new AttachmentPolicy(extensions, limits);
    }

    public AttachmentPolicy withLimits(ScanLimits newLimits) {
        return new AttachmentPolicy(blockedExtensions, newLimits);
    }

    public AttachmentPolicy withLimits(int depth, int entries, long expandedBytes, int compressionRatio) {
        return withLimits(limits.withArchiveLimits(depth, entries, expandedBytes, compressionRatio));
    }

    /** How many containers deep (archive in archive, attachment in TNEF ...) content is opened. */
    public int maxDepth() {
        return limits.maxArchiveDepth();
    }

    public int maxEntries() {
        return limits.maxArchiveEntries();
    }

    public long maxExpandedBytes() {
        return limits.maxExpandedBytes();
    }

    public int maxCompressionRatio() {
        return limits.maxCompressionRatio();
    }

    /**
     * Parses an extension list such as {@code default,-iso,xz}: {@code default} stands for
     * {@link #DEFAULT_BLOCKED_EXTENSIONS}, {@code -ext} removes, anything else adds. Dots and case are ignored.
     */
    public static Set<String> parseExtensions(String spec) {
        Set<String> result = new LinkedHashSet<>();
        for (String raw : spec.split("[,\\s]+")) {
            String token = raw.trim().toLowerCase(Locale.ROOT);
            if (token.isEmpty()) {
                continue;
            }
            if (token.equals("default")) {
                result.addAll(DEFAULT_BLOCKED_EXTENSIONS);
            } else if (token.startsWith("-")) {
                result.remove(stripDot(token.substring(1)));
            } else {
                result.add(stripDot(token));
            }
        }
        return result;
    }

    private static String stripDot(String extension) {
        return extension.startsWith(".") ? extension.substring(1) : extension;
    }
}
