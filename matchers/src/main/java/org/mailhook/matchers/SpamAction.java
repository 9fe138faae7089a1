package org.mailhook.matchers;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.mailhook.mailets.MailAttributes;

/**
 * Matches all recipients when Rspamd's action ({@code mailhook.spam.action}, set by ScoreSpam) is one of
 * the condition's comma-separated actions, e.g. {@code SpamAction=reject,soft reject}. A mail ScoreSpam
 * did not score (not run, or Rspamd unavailable) never matches.
 */
public class SpamAction extends GenericMatcher {
    private Set<org.mailhook.spam.SpamAction> wanted;

    @Override
    public void init() throws MessagingException {
        String condition = getCondition();
        if (condition == null || condition.isBlank()) {
            throw new MessagingException("SpamAction needs a condition, e.g. =reject,soft reject");
        }
        List<String> words = Arrays.stream(condition.split(",")).map(String::strip).filter(w -> !w.isEmpty()).toList();
        for (String word : words) {
            if (org.mailhook.spam.SpamAction.fromCode(word).isEmpty()) {
                throw new MessagingException("SpamAction: unknown action '" + word + "'; known: "
                    + Arrays.stream(org.mailhook.spam.SpamAction.values()).map(org.mailhook.spam.SpamAction::code).toList());
            }
        }
        wanted = words.stream().map(word -> org.mailhook.spam.SpamAction.fromCode(word).orElseThrow())
            .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        boolean matches = MailAttributes.string(mail, MailAttributes.SPAM_ACTION)
            .flatMap(org.mailhook.spam.SpamAction::fromCode).filter(wanted::contains).isPresent();
        return matches ? mail.getRecipients() : List.of();
    }
}
