package org.mailhook.attachments;

/**
 * A virus scanner's answer for one attachment.
 *
 * @param status what happened
 * @param detail the signature name when {@link Status#FOUND}, the error when {@link Status#UNAVAILABLE}
 */
public record VirusScan(Status status, String detail) {
    public enum Status {
        CLEAN,
        FOUND,
        /** Not scanned: scanner down, timed out, answered an error, or the content exceeds its size limit. */
        UNAVAILABLE
    }

    public static VirusScan clean() {
        return new VirusScan(Status.CLEAN, "");
    }

    public static VirusScan found(String signature) {
        return new VirusScan(Status.FOUND, signature);
    }

    public static VirusScan unavailable(String why) {
        return new VirusScan(Status.UNAVAILABLE, why);
    }
}
