package org.mailhook.attachments;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;

import org.apache.poi.hmef.Attachment;
import org.apache.poi.hmef.HMEFMessage;
import org.apache.poi.hpsf.ClassID;
import org.apache.poi.hsmf.MAPIMessage;
import org.apache.poi.hsmf.datatypes.AttachmentChunks;
import org.apache.poi.hsmf.datatypes.StringChunk;
import org.apache.poi.poifs.filesystem.DirectoryEntry;
import org.apache.poi.poifs.filesystem.DirectoryNode;
import org.apache.poi.poifs.filesystem.Entry;
import org.apache.poi.poifs.filesystem.Ole10Native;
import org.apache.poi.poifs.filesystem.POIFSFileSystem;

/**
 * Microsoft containers with Apache POI: OLE2 files (VBA macro storages, MSI installers, embedded
 * OLE packages, Outlook .msg attachments) and TNEF ({@code winmail.dat}) attachments.
 */
final class OfficeInspector {
    /** Storages that hold a VBA project in Word/Excel/PowerPoint binaries. */
    private static final Set<String> VBA_STORAGES = Set.of("vba", "_vba_project_cur", "_vba_project", "macros");
    /** Root storage class ids of Windows Installer package, patch and transform files. */
    private static final Set<String> INSTALLER_CLSIDS = Set.of(
        "{000C1084-0000-0000-C000-000000000046}", "{000C1086-0000-0000-C000-000000000046}", "{000C1082-0000-0000-C000-000000000046}");
    private static final String OLE_PACKAGE_STREAM = "\u0001Ole10Native";
    private static final int MAX_STORAGE_DEPTH = 32;

    private final ContentClassifier classifier;

    OfficeInspector(ContentClassifier classifier) {
        this.classifier = classifier;
    }

    void ole(byte[] content, String path, int depth, Inspection inspection) {
        try (POIFSFileSystem fs = new POIFSFileSystem(new ByteArrayInputStream(content))) {
            DirectoryNode root = fs.getRoot();
            ClassID clsid = root.getStorageClsid();
            if (clsid != null && INSTALLER_CLSIDS.contains(clsid.toString().toUpperCase(Locale.ROOT))) {
                inspection.add(new Finding(Reason.EXECUTABLE, path, "Windows Installer package (MSI/MSP/MST)"));
            }
            walkStorages(root, path, depth, 0, inspection);
            if (root.getEntryNames().stream().anyMatch(name -> name.startsWith("__substg1.0_"))) {
                outlookMessage(new MAPIMessage(root), path, depth, inspection);
            }
        } catch (IOException | RuntimeException e) {
            inspection.add(new Finding(Reason.UNREADABLE, path, "OLE2 file could not be read: " + e.getMessage()));
        }
    }

    private void walkStorages(DirectoryEntry directory, String path, int depth, int level, Inspection inspection) throws IOException {
        if (level > MAX_STORAGE_DEPTH || inspection.stopped()) {
            return;
        }
        for (Entry entry : directory) {
            if (entry instanceof DirectoryEntry storage) {
                if (VBA_STORAGES.contains(storage.getName().toLowerCase(Locale.ROOT))) {
                    inspection.add(new Finding(Reason.OFFICE_MACRO, path, "OLE storage '" + storage.getName() + "' holds a VBA project"));
                }
                walkStorages(storage, path, depth, level + 1, inspection);
            } else if (entry.getName().equals(OLE_PACKAGE_STREAM) && directory instanceof DirectoryNode node) {
                embeddedPackage(node, path, depth, inspection);
            }
        }
    }

    /** An OLE "Package" object carries a whole file (often an executable) with its own name. */
    private void embeddedPackage(DirectoryNode node, String path, int depth, Inspection inspection) {
        try {
            Ole10Native pkg = Ole10Native.createFromEmbeddedOleObject(node);
            String name = firstNonBlank(pkg.getFileName(), pkg.getLabel(), pkg.getCommand(), "ole-package");
            String entryPath = ArchiveInspector.child(path, name);
            if (inspection.countEntry(entryPath)) {
                classifier.inspect(name, null, pkg.getDataBuffer(), entryPath, depth + 1, inspection);
            }
        } catch (Exception e) {
            inspection.add(new Finding(Reason.UNREADABLE, path, "embedded OLE package could not be read: " + e.getMessage()));
        }
    }

    private void outlookMessage(MAPIMessage message, String path, int depth, Inspection inspection) {
        for (AttachmentChunks attachment : message.getAttachmentFiles()) {
            if (inspection.stopped()) {
                return;
            }
            String name = firstNonBlank(text(attachment.getAttachLongFileName()), text(attachment.getAttachFileName()),
                text(attachment.getAttachDisplayName()), attachment.getPOIFSName());
            String entryPath = ArchiveInspector.child(path, name);
            if (!inspection.countEntry(entryPath)) {
                return;
            }
            try {
                MAPIMessage embedded = attachment.getEmbeddedMessage();
                if (embedded != null) {
                    if (depth + 1 >= inspection.policy().maxDepth()) {
                        inspection.add(new Finding(Reason.ARCHIVE_TOO_DEEP, entryPath, "embedded Outlook message was not opened"));
                    } else {
                        outlookMessage(embedded, entryPath, depth + 1, inspection);
                    }
                } else if (attachment.getAttachData() != null) {
                    classifier.inspect(name, text(attachment.getAttachMimeTag()), attachment.getAttachData().getValue(), entryPath, depth + 1, inspection);
                }
            } catch (IOException | RuntimeException e) {
                inspection.add(new Finding(Reason.UNREADABLE, entryPath, "Outlook attachment could not be read: " + e.getMessage()));
            }
        }
    }

    void tnef(byte[] content, String path, int depth, Inspection inspection) {
        try {
            HMEFMessage message = new HMEFMessage(new ByteArrayInputStream(content));
            for (Attachment attachment : message.getAttachments()) {
                if (inspection.stopped()) {
                    return;
                }
                String name = firstNonBlank(safeLongName(attachment), attachment.getFilename(), "attachment");
                String entryPath = ArchiveInspector.child(path, name);
                if (!inspection.countEntry(entryPath)) {
                    return;
                }
                try {
                    byte[] data = attachment.getContents();
                    classifier.inspect(name, null, data == null ? new byte[0] : data, entryPath, depth + 1, inspection);
                } catch (RuntimeException e) {
                    // One broken attachment (e.g. an embedded message without a data section) leaves the others checkable.
                    inspection.add(new Finding(Reason.UNREADABLE, entryPath, "TNEF attachment could not be read: " + e.getMessage()));
                }
            }
        } catch (IOException | RuntimeException e) {
            inspection.add(new Finding(Reason.UNREADABLE, path, "TNEF could not be read: " + e.getMessage()));
        }
    }

    private static String safeLongName(Attachment attachment) {
        try {
            return attachment.getLongFilename();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String text(StringChunk chunk) {
        return chunk == null ? null : chunk.getValue();
    }

    private static String firstNonBlank(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null && !candidate.isBlank()) {
                return candidate.replace("\u0000", "");
            }
        }
        return "";
    }
}
