package org.mailhook.attachments;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.poi.hpsf.ClassID;
import org.apache.poi.poifs.filesystem.DirectoryEntry;
import org.apache.poi.poifs.filesystem.POIFSFileSystem;

/**
 * Malicious-looking samples built on the fly (no live malware is stored): inert headers and markers
 * that exercise each detection exactly as real samples would.
 */
public final class Samples {
    private Samples() {
    }

    /** The EICAR anti-virus test file, split so this source is not itself flagged. */
    public static byte[] eicar() {
        return ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*").getBytes(StandardCharsets.US_ASCII);
    }

    /** A minimal PE header: MZ stub whose e_lfanew points at "PE\0\0" at 0x80, then a COFF header for i386. */
    public static byte[] peExecutable() {
        byte[] pe = new byte[512];
        pe[0] = 'M';
        pe[1] = 'Z';
        pe[0x3C] = (byte) 0x80;
        pe[0x80] = 'P';
        pe[0x81] = 'E';
        pe[0x84] = 0x4C;
        pe[0x85] = 0x01;
        return pe;
    }

    /** A minimal ELF header (64-bit little-endian executable). */
    public static byte[] elfExecutable() {
        byte[] elf = new byte[64];
        elf[0] = 0x7F;
        elf[1] = 'E';
        elf[2] = 'L';
        elf[3] = 'F';
        elf[4] = 2;
        elf[5] = 1;
        elf[6] = 1;
        elf[16] = 2;
        elf[18] = 0x3E;
        return elf;
    }

    public static byte[] text(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] zip(Map<String, byte[]> entries) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
                zip.setLevel(Deflater.BEST_COMPRESSION);
                for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                    zip.putArchiveEntry(new ZipArchiveEntry(entry.getKey()));
                    zip.write(entry.getValue());
                    zip.closeArchiveEntry();
                }
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] zip(String name, byte[] content) {
        return zip(Map.of(name, content));
    }

    /**
     * A password-protected zip: traditional PKWARE encryption is marked by general purpose bit 0 in the
     * local and central headers. The entry data here is random-looking but never decrypted by anyone,
     * so setting the bit on a normal zip gives exactly what a scanner sees of an encrypted one.
     */
    public static byte[] encryptedZip(String name, byte[] content) {
        byte[] zip = zip(name, content);
        for (int i = 0; i + 4 <= zip.length; i++) {
            if (zip[i] == 'P' && zip[i + 1] == 'K' && zip[i + 2] == 3 && zip[i + 3] == 4) {
                zip[i + 6] |= 1;
            } else if (zip[i] == 'P' && zip[i + 1] == 'K' && zip[i + 2] == 1 && zip[i + 3] == 2) {
                zip[i + 8] |= 1;
            }
        }
        return zip;
    }

    /**
     * A 42.zip-style bomb: a leaf of {@code leafBytes} zeros, then {@code levels} levels each holding
     * {@code fanOut} copies of the level below. Total expansion: leafBytes * fanOut^levels.
     */
    public static byte[] nestedBomb(int leafBytes, int fanOut, int levels) {
        byte[] current = zip("0.dat", new byte[leafBytes]);
        for (int level = 0; level < levels; level++) {
            Map<String, byte[]> copies = new LinkedHashMap<>();
            for (int i = 0; i < fanOut; i++) {
                copies.put("lib" + level + "_" + i + ".zip", current);
            }
            current = zip(copies);
        }
        return current;
    }

    public static byte[] gzip(byte[] content) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (GzipCompressorOutputStream gz = new GzipCompressorOutputStream(bytes)) {
                gz.write(content);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] tar(String name, byte[] content) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
                TarArchiveEntry entry = new TarArchiveEntry(name);
                entry.setSize(content.length);
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A .docm-shaped OOXML package with a word/vbaProject.bin part (the VBA bytes are an empty OLE file). */
    public static byte[] docmWithVbaProject() {
        Map<String, byte[]> parts = new LinkedHashMap<>();
        parts.put("[Content_Types].xml", text("<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
            + "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.ms-word.document.macroEnabled.main+xml\"/>"
            + "<Default Extension=\"bin\" ContentType=\"application/vnd.ms-office.vbaProject\"/></Types>"));
        parts.put("_rels/.rels", text("<?xml version=\"1.0\"?><Relationships/>"));
        parts.put("word/document.xml", text("<?xml version=\"1.0\"?><w:document/>"));
        parts.put("word/vbaProject.bin", oleWithStorages());
        return zip(parts);
    }

    /** A plain .docx-shaped package (no macros). */
    public static byte[] docx() {
        Map<String, byte[]> parts = new LinkedHashMap<>();
        parts.put("[Content_Types].xml", text("<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
            + "<Override PartName=\"/word/document.xml\" ContentType=\""
            + "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>"));
        parts.put("_rels/.rels", text("<?xml version=\"1.0\"?><Relationships/>"));
        parts.put("word/document.xml", text("<?xml version=\"1.0\"?><w:document/>"));
        return zip(parts);
    }

    /** An OLE2 file with the given storage path (e.g. "Macros", "VBA" for a Word 97 document with macros). */
    public static byte[] oleWithStorages(String... storages) {
        try (POIFSFileSystem fs = new POIFSFileSystem()) {
            fs.createDocument(new ByteArrayInputStream(new byte[16]), "WordDocument");
            DirectoryEntry directory = fs.getRoot();
            for (String storage : storages) {
                directory = directory.createDirectory(storage);
            }
            if (storages.length > 0) {
                directory.createDocument("dir", new ByteArrayInputStream(new byte[8]));
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            fs.writeFilesystem(bytes);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An OLE2 file whose root class id says Windows Installer package. */
    public static byte[] msiInstaller() {
        try (POIFSFileSystem fs = new POIFSFileSystem()) {
            fs.getRoot().setStorageClsid(new ClassID("{000C1084-0000-0000-C000-000000000046}"));
            fs.createDocument(new ByteArrayInputStream(new byte[16]), "\u4840\u3b3f\u4577\u446c\u3b6a\u45e4\u4824");
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            fs.writeFilesystem(bytes);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A one-page PDF whose open action runs JavaScript; {@code hidden} puts the action in a Flate object stream with a #-escaped name. */
    public static byte[] pdfWithJavaScript(boolean hidden) {
        String action = hidden ? "<< /Type /Action /S /J#61vaScript /J#53 (app.alert(1)) >>" : "<< /Type /Action /S /JavaScript /JS (app.alert(1)) >>";
        if (!hidden) {
            return text("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >> endobj\n"
                + "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n3 0 obj " + action + " endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
        }
        byte[] compressed = deflate(text("3 0 " + action));
        ByteArrayOutputStream pdf = new ByteArrayOutputStream();
        pdf.writeBytes(text("%PDF-1.5\n1 0 obj << /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >> endobj\n"
            + "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n4 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length "
            + compressed.length + " >>\nstream\n"));
        pdf.writeBytes(compressed);
        pdf.writeBytes(text("\nendstream\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"));
        return pdf.toByteArray();
    }

    public static byte[] pdfWithLaunch() {
        return text("%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction << /S /Launch /F (cmd.exe) >> >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
    }

    public static byte[] plainPdf() {
        return text("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
            + "trailer << /Root 1 0 R >>\n%%EOF\n");
    }

    private static byte[] deflate(byte[] data) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DeflaterOutputStream out = new DeflaterOutputStream(bytes)) {
            out.write(data);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }
}
