package org.mailhook.spam;

import java.util.List;
import java.util.Objects;

/**
 * One mail to score, with what the SMTP session knew about it.
 *
 * @param message the mail as received (header and body)
 * @param mailFrom the envelope sender; null for the null sender {@code <>}
 * @param rcptTo the envelope recipients
 * @param clientIp the SMTP client's address; null when unknown
 * @param helo the name the client gave in HELO/EHLO; null when unknown
 * @param clientHostname the client's name from reverse DNS; null when unknown or not resolved
 * @param queueId the mail's name in the MTA, so Rspamd's log can be matched with ours
 */
public record SpamCheck(byte[] message, String mailFrom, List<String> rcptTo, String clientIp, String helo,
                        String clientHostname, String queueId) {
    public SpamCheck {
        Objects.requireNonNull(message);
        rcptTo = List.copyOf(rcptTo);
    }
}
