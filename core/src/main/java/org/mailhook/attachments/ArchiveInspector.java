package org.mailhook.attachments;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.archivers.zip.ZipMethod;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.apache.tika.mime.MediaType;

/**
 * Opens zip (and OOXML), gzip, bzip2 and tar with commons-compress: every entry is classified again
 * (so names, executables and nested archives are caught at any depth), encrypted entries are flagged,
 * and all reading goes through {@link Inspection#readEntry}, so no bomb is ever expanded past the limits.
 */
final class ArchiveInspector {
    private static final MediaType GZIP = MediaType.parse("application/gzip");
    private static final MediaType BZIP2 = MediaType.parse("application/x-bzip2");
    private static final MediaType TAR = MediaType.parse("application/x-tar");
    private static final String OOXML_CONTENT_TYPES = "[Content_Types].xml";

    private final ContentClassifier classifier;

    ArchiveInspector(ContentClassifier classifier) {
        this.classifier = classifier;
    }

    static boolean isCompressedOrTar(MediaType magic) {
        MediaType base = magic.getBaseType();
        return base.equals(GZIP) || base.equals(MediaType.parse("application/x-gzip")) || base.equals(BZIP2) || base.equals(TAR)
            || base.equals(MediaType.parse("application/x-gtar"));
    }

    void zip(byte[] content, String path, int depth, Inspection inspection) {
        try (ZipFile zip = ZipFile.builder().setSeekableByteChannel(new SeekableInMemoryByteChannel(content)).get()) {
            boolean ooxml = zip.getEntry(OOXML_CONTENT_TYPES) != null;
            boolean openDocument = zip.getEntry("mimetype") != null && zip.getEntry("META-INF/manifest.xml") != null;
            Enumeration<ZipArchiveEntry> entries = zip.getEntriesInPhysicalOrder();
            while (entries.hasMoreElements() && !inspection.stopped()) {
                ZipArchiveEntry entry = entries.nextElement();
                if (entry.isDirectory()) {
                    continue;
                }
                String entryPath = child(path, entry.getName());
                if (!inspection.countEntry(entryPath)) {
                    return;
                }
                if (ooxml) {
                    checkOoxmlPart(entry.getName(), path, inspection);
                }
                if (openDocument) {
                    checkOpenDocumentPart(entry.getName(), path, inspection);
                }
                checkLocalHeaderName(content, entry, path, inspection);
                if (entry.getGeneralPurposeBit().usesEncryption() || entry.getMethod() == ZipMethod.AES_ENCRYPTED.getCode()) {
                    inspection.add(new Finding(Reason.ARCHIVE_ENCRYPTED, entryPath, "encrypted entry; its content cannot be checked"));
                    classifier.inspect(entry.getName(), null, new byte[0], entryPath, depth + 1, inspection);
                    continue;
                }
                if (!zip.canReadEntryData(entry)) {
                    inspection.add(new Finding(Reason.ARCHIVE_UNINSPECTABLE, entryPath, "unsupported zip compression method " + entry.getMethod()));
                    continue;
                }
                if (!inspection.acceptDeclared(entryPath, entry.getSize(), entry.getCompressedSize())) {
                    return;
                }
                byte[] data;
                try (InputStream in = zip.getInputStream(entry)) {
                    data = inspection.readEntry(in, entry.getCompressedSize(), entryPath, classifier::mustOpen);
                }
                if (data == null) {
                    return;
                }
                if (ooxml && entry.getName().equals(OOXML_CONTENT_TYPES)
                    && new String(data, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT).contains("macroenabled")) {
                    inspection.add(new Finding(Reason.OFFICE_MACRO, path, "OOXML content types declare a macro-enabled document"));
                }
                classifier.inspect(entry.getName(), null, data, entryPath, depth + 1, inspection);
            }
        } catch (IOException | RuntimeException e) {
            zipStream(content, path, depth, inspection, e);
        }
    }

    /**
     * Checks a zip's declared entry sizes without reading any entry: a zip past the depth limit is not
     * opened, but its central directory still gives away the leaf of a 42.zip-style bomb.
     */
    boolean declaredSizesAcceptable(byte[] content, String path, Inspection inspection) {
        try (ZipFile zip = ZipFile.builder().setSeekableByteChannel(new SeekableInMemoryByteChannel(content)).get()) {
            Enumeration<ZipArchiveEntry> entries = zip.getEntries();
            while (entries.hasMoreElements()) {
                ZipArchiveEntry entry = entries.nextElement();
                if (!inspection.acceptDeclared(child(path, entry.getName()), entry.getSize(), entry.getCompressedSize())) {
                    return false;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Unreadable here means unopened anyway; the depth finding says so.
        }
        return true;
    }

    /**
     * The central directory (what Explorer shows) and the local header (what some unzip tools use)
     * each carry the entry name; a crafted zip makes them differ, so the local name gets the name rules too.
     */
    private void checkLocalHeaderName(byte[] content, ZipArchiveEntry entry, String path, Inspection inspection) {
        long offset = entry.getLocalHeaderOffset();
        if (offset < 0 || offset + 30 > content.length) {
            return;
        }
        int at = (int) offset;
        int nameLength = (content[at + 26] & 0xFF) | (content[at + 27] & 0xFF) << 8;
        if (at + 30 + nameLength > content.length) {
            return;
        }
        byte[] localName = Arrays.copyOfRange(content, at + 30, at + 30 + nameLength);
        if (!Arrays.equals(localName, entry.getRawName())) {
            String name = new String(localName, StandardCharsets.UTF_8);
            classifier.checkName(name).forEach(f -> inspection.add(new Finding(f.reason(), child(path, name),
                "local header names this entry '" + name + "' (central directory: '" + entry.getName() + "'): " + f.detail())));
        }
    }

    /** Zips without a readable central directory (truncated, or built to confuse) are read entry by entry instead. */
    private void zipStream(byte[] content, String path, int depth, Inspection inspection, Exception centralDirectoryProblem) {
        int before = inspection.findings().size();
        try (ZipArchiveInputStream zip = new ZipArchiveInputStream(new ByteArrayInputStream(content), "UTF-8", true, true)) {
            ZipArchiveEntry entry;
            boolean any = false;
            while ((entry = zip.getNextEntry()) != null && !inspection.stopped()) {
                any = true;
                if (entry.isDirectory()) {
                    continue;
                }
                String entryPath = child(path, entry.getName());
                if (!inspection.countEntry(entryPath)) {
                    return;
                }
                if (entry.getGeneralPurposeBit().usesEncryption() || !zip.canReadEntryData(entry)) {
                    inspection.add(new Finding(Reason.ARCHIVE_ENCRYPTED, entryPath, "encrypted or unreadable entry; its content cannot be checked"));
                    classifier.inspect(entry.getName(), null, new byte[0], entryPath, depth + 1, inspection);
                    continue;
                }
                byte[] data = inspection.readEntry(zip, entry.getCompressedSize(), entryPath, classifier::mustOpen);
                if (data == null) {
                    return;
                }
                classifier.inspect(entry.getName(), null, data, entryPath, depth + 1, inspection);
            }
            if (!any) {
                inspection.add(new Finding(Reason.UNREADABLE, path, "zip could not be read: " + centralDirectoryProblem.getMessage()));
            }
        } catch (IOException | RuntimeException e) {
            if (inspection.findings().size() == before) {
                inspection.add(new Finding(Reason.UNREADABLE, path, "zip could not be read: " + e.getMessage()));
            }
        }
    }

    private static void checkOoxmlPart(String name, String path, Inspection inspection) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith("vbaproject.bin") || lower.endsWith("vbadata.xml")) {
            inspection.add(new Finding(Reason.OFFICE_MACRO, path, "OOXML part " + name + " holds a VBA project"));
        } else if (lower.startsWith("xl/macrosheets/")) {
            inspection.add(new Finding(Reason.OFFICE_MACRO, path, "OOXML part " + name + " is an Excel 4.0 macro sheet"));
        }
    }

    /** LibreOffice/OpenOffice keep Basic macro modules under Basic/LIBRARY/MODULE.xml (the two index files alone are no macro). */
    private static void checkOpenDocumentPart(String name, String path, Inspection inspection) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.startsWith("basic/") && lower.endsWith(".xml") && !lower.endsWith("/script-lc.xml") && !lower.endsWith("/script-lb.xml")) {
            inspection.add(new Finding(Reason.OFFICE_MACRO, path, "OpenDocument part " + name + " is a Basic macro module"));
        }
    }

    void compressedOrTar(String filename, MediaType magic, byte[] content, String path, int depth, Inspection inspection) {
        try {
            if (magic.getBaseType().equals(TAR) || magic.getBaseType().equals(MediaType.parse("application/x-gtar"))) {
                tar(content, path, depth, inspection);
                return;
            }
            boolean gzip = !magic.getBaseType().equals(BZIP2);
            String innerName = innerName(filename, gzip);
            byte[] data;
            try (InputStream in = gzip ? gzip(content) : new BZip2CompressorInputStream(new ByteArrayInputStream(content), true)) {
                if (gzip && in instanceof GzipCompressorInputStream gz && gz.getMetaData().getFileName() != null) {
                    innerName = FilenameRules.baseName(gz.getMetaData().getFileName());
                }
                String innerPath = child(path, innerName);
                if (!inspection.countEntry(innerPath)) {
                    return;
                }
                data = inspection.readEntry(in, content.length, innerPath, classifier::mustOpen);
                if (data != null) {
                    classifier.inspect(innerName, null, data, innerPath, depth + 1, inspection);
                }
            }
        } catch (IOException | RuntimeException e) {
            inspection.add(new Finding(Reason.UNREADABLE, path, magic + " could not be read: " + e.getMessage()));
        }
    }

    private static InputStream gzip(byte[] content) throws IOException {
        return GzipCompressorInputStream.builder().setInputStream(new ByteArrayInputStream(content)).setDecompressConcatenated(true).get();
    }

    private void tar(byte[] content, String path, int depth, Inspection inspection) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(content))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null && !inspection.stopped()) {
                if (!entry.isFile()) {
                    continue;
                }
                String entryPath = child(path, entry.getName());
                if (!inspection.countEntry(entryPath) || !inspection.acceptDeclared(entryPath, entry.getSize(), -1)) {
                    return;
                }
                byte[] data = inspection.readEntry(tar, -1, entryPath, classifier::mustOpen);
                if (data == null) {
                    return;
                }
                classifier.inspect(entry.getName(), null, data, entryPath, depth + 1, inspection);
            }
        }
    }

    /** {@code report.pdf.gz} holds {@code report.pdf}; {@code x.tgz} holds {@code x.tar}. */
    private static String innerName(String filename, boolean gzip) {
        String name = filename == null || filename.isBlank() ? (gzip ? "data.gz" : "data.bz2") : FilenameRules.baseName(filename.strip());
        String lower = name.toLowerCase(Locale.ROOT);
        for (String suffix : List.of(".gz", ".gzip", ".bz2", ".z")) {
            if (lower.endsWith(suffix) && name.length() > suffix.length()) {
                return name.substring(0, name.length() - suffix.length());
            }
        }
        if (lower.endsWith(".tgz") || lower.endsWith(".tbz2") || lower.endsWith(".tbz")) {
            return name.substring(0, name.lastIndexOf('.')) + ".tar";
        }
        return name + ".content";
    }

    static String child(String path, String name) {
        return path.isEmpty() ? name : path + "!/" + name;
    }
}
