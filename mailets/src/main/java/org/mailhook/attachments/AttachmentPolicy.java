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
 * @param maxDepth how many containers deep (archive in archive, attachment in TNEF ...) content is opened
 * @param maxEntries entries per attachment, all levels together, before it counts as a bomb
 * @param maxExpandedBytes bytes decompressed per attachment, all levels together, before it counts as a bomb
 * @param maxCompressionRatio expanded/compressed ratio of one entry above which it counts as a bomb
 *                            (checked once the entry exceeds {@link #RATIO_FLOOR_BYTES})
 */
public record AttachmentPolicy(Set<String> blockedExtensions, int maxDepth, int maxEntries, long maxExpandedBytes,
                               int maxCompressionRatio) {

    /** Windows-executable and script types, installers, shortcuts, disk images (as the issue lists, plus their kin). */
    public static final Set<String> DEFAULT_BLOCKED_EXTENSIONS = Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList(
        "exe", "scr", "com", "pif", "bat", "cmd", "js", "jse", "vbs", "vbe", "wsf", "wsh", "wsc", "ws", "hta",
        "ps1", "psm1", "psd1", "msi", "msp", "mst", "jar", "lnk", "iso", "img", "vhd", "vhdx", "dll", "cpl",
        "reg", "scf", "inf", "msc", "sct", "chm", "hlp", "gadget", "application", "appref-ms", "url",
        "library-ms", "settingcontent-ms", "xll", "appx", "appxbundle", "msix", "msixbundle", "sys", "drv", "ocx")));

    /** Small files may compress extremely well (a page of zeros); the ratio only counts above this size. */
    public static final long RATIO_FLOOR_BYTES = 1024 * 1024;

    public static final int DEFAULT_MAX_DEPTH = 4;
    public static final int DEFAULT_MAX_ENTRIES = 10_000;
    public static final long DEFAULT_MAX_EXPANDED_BYTES = 100L * 1024 * 1024;
    public static final int DEFAULT_MAX_COMPRESSION_RATIO = 100;

    public AttachmentPolicy {
        blockedExtensions = Set.copyOf(blockedExtensions);
        if (maxDepth < 0 || maxEntries < 1 || maxExpandedBytes < 1 || maxCompressionRatio < 1) {
            throw new IllegalArgumentException("archive limits must be positive");
        }
    }

    public static AttachmentPolicy defaults() {
        return new AttachmentPolicy(DEFAULT_BLOCKED_EXTENSIONS, DEFAULT_MAX_DEPTH, DEFAULT_MAX_ENTRIES,
            DEFAULT_MAX_EXPANDED_BYTES, DEFAULT_MAX_COMPRESSION_RATIO);
    }

    public AttachmentPolicy withBlockedExtensions(Set<String> extensions) {
        return new AttachmentPolicy(extensions, maxDepth, maxEntries, maxExpandedBytes, maxCompressionRatio);
    }

    public AttachmentPolicy withLimits(int depth, int entries, long expandedBytes, int compressionRatio) {
        return new AttachmentPolicy(blockedExtensions, depth, entries, expandedBytes, compressionRatio);
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
