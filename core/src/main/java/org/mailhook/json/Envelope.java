package org.mailhook.json;

import java.util.List;

/**
 * The SMTP envelope of a mail, as the receiving server saw it. Every field may be null (or empty)
 * when the mail did not come over SMTP, e.g. {@code mailhook parse} without envelope options.
 *
 * @param mailFrom the reverse path ({@code MAIL FROM}); null for the null sender {@code <>}
 * @param rcptTo the forward paths ({@code RCPT TO}), in order
 * @param remoteAddress the client IP address
 * @param remoteHost the client host name (reverse DNS as the server resolved it)
 * @param helo the HELO/EHLO name the client gave
 */
public record Envelope(String mailFrom, List<String> rcptTo, String remoteAddress, String remoteHost, String helo) {
    public Envelope {
        rcptTo = rcptTo == null ? List.of() : List.copyOf(rcptTo);
    }

    /** No envelope known. */
    public static Envelope none() {
        return new Envelope(null, List.of(), null, null, null);
    }
}
