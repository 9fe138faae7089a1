package org.mailhook.json;

/**
 * Limits that keep parsing bounded in time and memory. A limit that is hit never fails the parse:
 * the document says so in {@code parse.warnings} and keeps everything read up to the limit.
 *
 * @param maxHeaderBytes bytes of header fields kept per header block (a single field longer than this
 *        ends parsing of the structure with an error; the raw MIME stays intact)
 * @param maxParts MIME entities parsed per mail, nested messages included; later parts are not read
 * @param maxDepth nesting depth of multiparts and attached messages that is parsed
 * @param maxTextBytes decoded bytes of text and HTML kept per mail (all body parts together)
 * @param attachmentInlineBytes attachments up to this decoded size carry their bytes as base64
 *        {@code content}; larger ones carry a {@code contentRef} the pull API serves
 */
public record ParseOptions(int maxHeaderBytes, int maxParts, int maxDepth, int maxTextBytes, int attachmentInlineBytes) {

    public static final int DEFAULT_MAX_HEADER_BYTES = 1024 * 1024;
    public static final int DEFAULT_MAX_PARTS = 1000;
    public static final int DEFAULT_MAX_DEPTH = 20;
    public static final int DEFAULT_MAX_TEXT_BYTES = 8 * 1024 * 1024;
    public static final int DEFAULT_ATTACHMENT_INLINE_BYTES = 256 * 1024;

    public ParseOptions {
        if (maxHeaderBytes < 1024 || maxParts < 1 || maxDepth < 1 || maxTextBytes < 0 || attachmentInlineBytes < 0) {
            throw new IllegalArgumentException("limits out of range: maxHeaderBytes >= 1024, maxParts >= 1, maxDepth >= 1, "
                + "maxTextBytes >= 0, attachmentInlineBytes >= 0");
        }
    }

    public static ParseOptions defaults() {
        return new ParseOptions(DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_PARTS, DEFAULT_MAX_DEPTH, DEFAULT_MAX_TEXT_BYTES,
            DEFAULT_ATTACHMENT_INLINE_BYTES);
    }

    public ParseOptions withMaxHeaderBytes(int value) {
        return new ParseOptions(value, maxParts, maxDepth, maxTextBytes, attachmentInlineBytes);
    }

    public ParseOptions withMaxParts(int value) {
        return new ParseOptions(maxHeaderBytes, value, maxDepth, maxTextBytes, attachmentInlineBytes);
    }

    public ParseOptions withMaxDepth(int value) {
        return new ParseOptions(maxHeaderBytes, maxParts, value, maxTextBytes, attachmentInlineBytes);
    }

    public ParseOptions withMaxTextBytes(int value) {
        return new ParseOptions(maxHeaderBytes, maxParts, maxDepth, value, attachmentInlineBytes);
    }

    public ParseOptions withAttachmentInlineBytes(int value) {
        return new ParseOptions(maxHeaderBytes, maxParts, maxDepth, maxTextBytes, value);
    }
}
