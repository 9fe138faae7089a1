package org.mailhook.matchers;

import java.util.Collection;
import java.util.List;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.mailhook.mailets.MailAttributes;

/**
 * Matches all recipients when Rspamd's score ({@code mailhook.spam.score}, set by ScoreSpam) is at least
 * the condition, e.g. {@code SpamScore=6.5}. A mail ScoreSpam did not score (not run, or Rspamd
 * unavailable) never matches.
 */
public class SpamScore extends GenericMatcher {
    private double threshold;

    @Override
    public void init() throws MessagingException {
        String condition = getCondition();
        try {
            threshold = Double.parseDouble(condition == null ? "" : condition.strip());
        } catch (NumberFormatException e) {
            throw new MessagingException("SpamScore: '" + condition + "' is not a number (a score such as 6 or 6.5)", e);
        }
        if (!Double.isFinite(threshold)) {
            throw new MessagingException("SpamScore: '" + condition + "' is not a number (a score such as 6 or 6.5)");
        }
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        boolean matches = MailAttributes.string(mail, MailAttributes.SPAM_SCORE)
            .map(Double::parseDouble).filter(score -> score >= threshold).isPresent();
        return matches ? mail.getRecipients() : List.of();
    }
}
