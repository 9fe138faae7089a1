package org.mailhook.testing;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The external test corpus (MIME, DKIM/SPF/ARC suites, Standard Webhooks vectors). It is not part
 * of this repository: the build points at it with the {@code mailhook.corpus} property (default
 * {@code ../shared/corpus} beside the checkout). When it is absent, corpus tests are aborted with a
 * note on how to get it, unless {@code mailhook.corpus.required=true} (as in CI), where they fail.
 */
public final class Corpus {
    private Corpus() {
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
