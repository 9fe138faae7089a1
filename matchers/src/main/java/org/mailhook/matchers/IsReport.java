package org.mailhook.matchers;

import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.mail.MessagingException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.mailhook.mailets.MailAttributes;
import org.mailhook.reports.ReportKind;

/**
 * Matches (all recipients) when ToJson found a DMARC or TLS report in the mail: the {@code reportKind} of
 * the {@code mailhook.summary} attribute is set. With a condition, {@code IsReport=dmarc-aggregate,tls-rpt},
 * it matches only those kinds. Routes send mail by recipient; this sends reports to their own
 * WebhookDelivery whatever address they were sent to (docs/reports.md).
 */
public class IsReport extends GenericMatcher {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> KINDS = Arrays.stream(ReportKind.values()).map(ReportKind::label).toList();

    private Set<String> kinds = Set.of();

    @Override
    public void init() throws MessagingException {
        kinds = ConditionCodes.parse("IsReport", getCondition(), KINDS, "report kind");
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        Optional<String> kind = MailAttributes.string(mail, MailAttributes.SUMMARY).flatMap(IsReport::reportKind);
        return kind.isPresent() && (kinds.isEmpty() || kinds.contains(kind.get())) ? mail.getRecipients() : List.of();
    }

    private static Optional<String> reportKind(String summary) {
        try {
            JsonNode kind = JSON.readTree(summary).path("reportKind");
            return kind.isTextual() ? Optional.of(kind.asText()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
