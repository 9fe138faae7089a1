package org.mailhook.json;

import java.io.IOException;
import java.util.Locale;

import org.apache.james.mime4j.codec.DecodeMonitor;

/**
 * What one mail's walk shares across its parts and attached messages, between {@link MimeWalker},
 * {@link LeafReader} and {@link EmbeddedFiles}: the limits and how much of them is spent, the problems
 * found (mime4j's warnings told against the part being read), and the part {@link AttachmentExtractor}
 * wants copied.
 */
final class WalkState {
    final ParseOptions options;
    final Problems problems;
    /** The part whose decoded bytes are copied out, or null. */
    final MimeWalker.Target target;
    /** mime4j's warnings, as problems of {@link #partId}. */
    final DecodeMonitor monitor = problemsMonitor();
    /** The part being read, for the problems mime4j reports; null while reading the mail's own header. */
    String partId;
    private int parts;
    private long textBytes;

    WalkState(ParseOptions options, Problems problems, MimeWalker.Target target) {
        this.options = options;
        this.problems = problems;
        this.target = target;
    }

    /** Counts one more MIME part; true when that is more than {@link ParseOptions#maxParts()}. */
    boolean pastPartLimit() {
        return ++parts > options.maxParts();
    }

    /** How many decoded text bytes the mail may still keep. */
    int remainingText() {
        return (int) Math.max(0, options.maxTextBytes() - textBytes);
    }

    void textKept(long bytes) {
        textBytes += bytes;
    }

    /**
     * Whether a message attached at {@code partId}, nested {@code depth} deep, may be parsed within the
     * depth and part limits; says so when not.
     */
    boolean mayNest(int depth, String partId) {
        if (depth > options.maxDepth()) {
            problems.warning("limit.depth", "attached message nested deeper than " + options.maxDepth()
                + " is not parsed", partId);
            return false;
        }
        if (pastPartLimit()) {
            problems.warning("limit.parts", "more than " + options.maxParts()
                + " MIME parts; the attached message is not parsed", partId);
            return false;
        }
        return true;
    }

    boolean isTarget(String partId) {
        return target != null && target.partId().equals(partId);
    }

    /** Writes {@code bytes} out when {@code partId} is the target (files unpacked in memory). */
    void copyIfTarget(String partId, byte[] bytes) throws IOException {
        if (isTarget(partId)) {
            target.out().write(bytes);
        }
    }

    private DecodeMonitor problemsMonitor() {
        return new DecodeMonitor() {
            @Override
            public boolean warn(String text, String dummy) {
                // mime4j's quoted-printable decoder says these once per line: answered before any other work
                if (text.equals("Found LF without CR") || text.equals("ignored blanks")) {
                    return false;
                }
                String lower = text.toLowerCase(Locale.ROOT);
                if (lower.contains("lf without cr") || lower.equals("ignored blanks")) {
                    // bare LF line ends are how most stored mail looks, and quoted-printable drops trailing
                    // blanks by definition (RFC 2045 6.7): neither is a problem of the mail
                    return false;
                } else if (lower.contains("ended prematurely") || lower.contains("unexpected end of headers")) {
                    problems.error("mime.truncated", text, partId);
                } else if (lower.contains("invalid header")) {
                    problems.error("header.invalid", text + " (a header line without a name was left out)", partId);
                } else if (lower.contains("obsolete header")) {
                    problems.warning("header.obsolete", text, partId);
                } else if (lower.contains("base64") || lower.contains("soft line break") || lower.contains("encoded")) {
                    problems.warning("encoding.invalid", text, partId);
                } else {
                    problems.error("mime.malformed", text, partId);
                }
                return false;
            }

            @Override
            public boolean isListening() {
                return true;
            }
        };
    }
}
