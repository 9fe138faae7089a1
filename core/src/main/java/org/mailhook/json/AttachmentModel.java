package org.mailhook.json;

/** One attachment: a MIME leaf that is not body text, or a file unpacked from uuencode, TNEF or an Outlook .msg. */
final class AttachmentModel {
    static final String SOURCE_MIME = "mime";
    static final String SOURCE_UUENCODE = "uuencode";
    static final String SOURCE_TNEF = "tnef";
    static final String SOURCE_MSG = "msg";

    String partId;
    String parentPartId;
    String source = SOURCE_MIME;
    String filename;
    String contentType;
    String charset;
    String disposition;
    String contentId;
    String description;
    long size;
    String sha256;
    /** The decoded bytes when they fit the inline limit, else null (the document carries a contentRef). */
    byte[] content;
    MessageModel message;
    CalendarInvite calendar;
    /** For message/partial: the fragment's id, number and total. */
    MessageModel.Partial partial;
}
