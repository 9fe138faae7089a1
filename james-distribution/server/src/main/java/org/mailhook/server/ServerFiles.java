package org.mailhook.server;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Owner-only files and directories for what the server keeps: the rendered configuration holds the
 * webhook secret, the data directory holds every mail. On file systems with POSIX permissions,
 * directories are {@code rwx------} and files {@code rw-------}; elsewhere (Windows) nothing is changed.
 */
final class ServerFiles {
    static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

    private ServerFiles() {
    }

    static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    /** Creates the directory (and missing parents) and makes it owner-only, also when it already existed. */
    static Path ownerOnlyDirectory(Path dir) throws IOException {
        Files.createDirectories(dir);
        if (posix()) {
            Files.setPosixFilePermissions(dir, OWNER_DIR);
        }
        return dir;
    }

    static void ownerOnlyFile(Path file) throws IOException {
        if (posix()) {
            Files.setPosixFilePermissions(file, OWNER_FILE);
        }
    }

    /**
     * Writes {@code content} to {@code target} through a temporary file that is owner-only from its
     * creation, then moved into place: the content is never readable by others, not even for a moment.
     */
    static void writeOwnerOnly(Path target, byte[] content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        FileAttribute<?>[] attributes = posix() ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_FILE)}
            : new FileAttribute<?>[0];
        Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp", attributes);
        try {
            Files.write(temp, content);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
