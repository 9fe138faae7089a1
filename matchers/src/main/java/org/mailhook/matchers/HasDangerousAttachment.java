package org.mailhook.matchers;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.mailhook.attachments.Reason;
import org.mailhook.attachments.SecuritySummary;
import org.mailhook.attachments.Verdict;
import org.mailhook.mailets.MailAttributes;

/**
 * Matches (all recipients) when the {@code mailhook.security} attribute set by QuarantineAttachments
 * says the mail has a dangerous attachment. With a condition, {@code HasDangerousAttachment=virus,executable},
 * it matches when any flagged attachment has one of those reason codes instead (of any verdict).
 * A mail released from quarantine never matches.
 */
public class HasDangerousAttachment extends GenericMatcher {
    private Set<String> reasons = Set.of();

    @Override
    public void init() throws MessagingException {
        reasons = ConditionCodes.parse("HasDangerousAttachment", getCondition(),
            List.of(Reason.values()).stream().map(Reason::code).toList(), "reason");
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        Optional<SecuritySummary> summary = MailAttributes.string(mail, MailAttributes.SECURITY).flatMap(SecuritySummary::parse);
        if (summary.isEmpty() || summary.get().released()) {
            return List.of();
        }
        boolean matches = reasons.isEmpty()
            ? summary.get().verdict() == Verdict.DANGEROUS
            : summary.get().reasons().stream().anyMatch(reasons::contains);
        return matches ? mail.getRecipients() : List.of();
    }
}
