package org.mailhook.attachments;

/**
 * One reason an attachment was flagged.
 *
 * @param reason the machine-readable reason
 * @param path where inside the attachment: empty for the attachment itself, otherwise the chain of
 *             container entries, e.g. {@code inner.zip!/setup.exe}
 * @param detail a short human-readable explanation
 */
public record Finding(Reason reason, String path, String detail) {
}
