package org.mailhook.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The external test corpus (MIME, DKIM/SPF/ARC suites, Standard Webhooks vectors). It is not part
 * of this repository: the build points at it with the {@code mailhook.corpus} property (default
 * {@code ../shared/corpus} beside the checkout). When it is absent, corpus tests are aborted with a
 * note on how to get it, unless {@code mailhook.corpus.required=true} (as in CI), where they fail.
 */
public final class Corpus {
    /** Expected results shipped beside the mails, and licence files. */
    private static final Pattern EXPECTED = Pattern.compile(
        ".*\\.(json|xml|out|list)$|.*_decoded_.*|.*/(COPYING|README\\.txt|ARTISTIC-LICENSE\\.txt)$|.*/quick-contents/.*"
            + "|.*/mimekit/messages/body\\.\\d+\\.txt$");
    /** Files that are no RFC 5322 mail although they sit among them: Outlook .msg (OLE2) and bare TNEF. */
    private static final byte[] OLE2 = {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0};
    private static final byte[] TNEF = {0x78, (byte) 0x9F, 0x3E, 0x22};
    private static final Pattern MAIL_NAME = Pattern.compile(".*\\.(eml|raw|msg|txt)$|.*/[^./]+$");

    private Corpus() {
    }

    /** Every file under {@code mime/relative} that is not an expected result, sorted. */
    public static List<Path> mimeFiles(String relative) {
        try (Stream<Path> files = Files.walk(root().resolve("mime").resolve(relative))) {
            return files.filter(Files::isRegularFile)
                .filter(path -> !EXPECTED.matcher(path.toString().replace('\\', '/')).matches())
                .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The RFC 5322 mails of {@code mime/} (387 files): what an MTA could be handed over SMTP. Bare Outlook
     * and TNEF files, and the non-mail files extracted beside them, are left out.
     */
    public static List<Path> mimeMails() {
        return mimeFiles("").stream()
            .filter(path -> MAIL_NAME.matcher(path.toString().replace('\\', '/')).matches())
            .filter(path -> !startsWith(path, OLE2) && !startsWith(path, TNEF))
            .toList();
    }

    private static boolean startsWith(Path path, byte[] magic) {
        try (InputStream in = Files.newInputStream(path)) {
            return Arrays.equals(in.readNBytes(magic.length), magic);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path root() {
        String configured = System.getProperty("mailhook.corpus", "../shared/corpus");
        Path root = Path.of(configured).toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            String message = "test corpus not found at " + root + ". Set -Dmailhook.corpus=DIR to its location; "
                + "docs/testing.md lists the public suites it is made of and where to fetch each one.";
            if (Boolean.getBoolean("mailhook.corpus.required")) {
                Assertions.fail(message);
            }
            Assumptions.abort(message);
        }
        return root;
    }

    public static Path path(String relative) {
        Path path = root().resolve(relative);
        if (!Files.exists(path)) {
            Assertions.fail("corpus file missing: " + path);
        }
        return path;
    }
}
