package org.mailhook.json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * Streams the decoded bytes of one part of a raw mail, by the {@code partId} its JSON document gives
 * (for the pull API's {@code contentRef} "attachments/&lt;partId&gt;"). Part ids of files unpacked from
 * TNEF ({@code 2.t1}) and uuencode ({@code 1.u1}) work too. The mail is walked the same way the
 * document was made, so ids always agree; only the target part is copied.
 */
public final class AttachmentExtractor {

    /** What was written. */
    public record Extracted(String partId, String filename, String contentType, long size, String sha256) {
    }

    private final ParseOptions options;

    public AttachmentExtractor(ParseOptions options) {
        // keep nothing inline: the bytes go to the caller's stream
        this.options = options.withAttachmentInlineBytes(0);
    }

    /**
     * Writes the decoded bytes of {@code partId} to {@code out}.
     *
     * @return the part's metadata, or empty when the mail has no attachment with that id (nothing written;
     *         body text parts are not attachments: their text is in the document)
     * @throws IOException when reading the mail or writing {@code out} fails
     */
    public Optional<Extracted> extract(InputStream rawMime, String partId, OutputStream out) throws IOException {
        Problems problems = new Problems();
        MessageModel message = new MimeWalker(options, problems, new MimeWalker.Target(partId, out))
            .walk(rawMime, "", 0);
        for (Problems.Problem problem : problems.errors()) {
            if (problem.code().equals("io")) {
                throw new IOException(problem.message());
            }
        }
        return find(message, partId).map(a -> new Extracted(a.partId, a.filename, a.contentType, a.size, a.sha256));
    }

    private static Optional<AttachmentModel> find(MessageModel message, String partId) {
        for (AttachmentModel attachment : message.attachments) {
            if (attachment.partId.equals(partId)) {
                return Optional.of(attachment);
            }
            if (attachment.message != null) {
                Optional<AttachmentModel> nested = find(attachment.message, partId);
                if (nested.isPresent()) {
                    return nested;
                }
            }
        }
        return Optional.empty();
    }
}
