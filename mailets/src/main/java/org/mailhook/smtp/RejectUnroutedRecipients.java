package org.mailhook.smtp;

import java.util.Optional;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.mailhook.config.ParameterValues;
import org.mailhook.mailets.RoutedRecipients;
import org.mailhook.recipients.RecipientPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers {@code 550 5.1.1} at RCPT TO for a recipient of one of this server's domains that no route and no
 * minted instant address covers, so unknown recipients cost neither storage nor a bounce. Per domain
 * ({@link RecipientPolicy}): {@code routed} (the default) checks, {@code catchAll} takes every local part.
 * Recipients of other domains are left to James' relay check. While no WebhookDelivery mailet has published
 * its routes (a pipeline without one), there is nothing to check against and recipients are taken.
 *
 * <pre>{@code
 * <handler class="org.mailhook.smtp.RejectUnroutedRecipients">
 *     <mode>routed</mode>
 *     <catchAllDomains>legacy.example</catchAllDomains>
 * </handler>
 * }</pre>
 */
public class RejectUnroutedRecipients implements RcptHook {
    /** Recipients answered 550 5.1.1. */
    public static final String UNKNOWN = "mailhook_smtp_unknown_recipients";
    static final HookResult UNKNOWN_RECIPIENT = HookResult.builder()
        .hookReturnCode(HookReturnCode.deny())
        .smtpReturnCode("550")
        .smtpDescription("5.1.1 Recipient address rejected: no such recipient here")
        .build();
    private static final Logger LOGGER = LoggerFactory.getLogger(RejectUnroutedRecipients.class);

    private final RoutedRecipients routed;
    private final DomainList domains;
    private final MetricFactory metrics;
    private RecipientPolicy policy = RecipientPolicy.fromParameters(name -> null);
    private volatile boolean warnedUnpublished;

    @Inject
    public RejectUnroutedRecipients(RoutedRecipients routed, DomainList domains, MetricFactory metrics) {
        this.routed = routed;
        this.domains = domains;
        this.metrics = metrics;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        ParameterValues values = ParameterValues.ofFile("smtpserver.xml: RejectUnroutedRecipients", config::getString);
        try {
            policy = RecipientPolicy.fromParameters(config::getString);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(values.locate(e.getMessage()), e);
        }
        LOGGER.info("recipients checked at RCPT TO: {}", policy);
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
        if (!ours(domains, rcpt)) {
            return HookResult.DECLINED;
        }
        RecipientPolicy.Decision decision = policy.decide(rcpt.asString(), address -> {
            Optional<Boolean> covered = routed.covers(address);
            if (covered.isEmpty() && !warnedUnpublished) {
                warnedUnpublished = true;
                LOGGER.warn("no WebhookDelivery has published its routes: recipients are not checked at RCPT TO");
            }
            return covered.orElse(true);
        });
        if (decision == RecipientPolicy.Decision.ACCEPT) {
            return HookResult.DECLINED;
        }
        metrics.generate(UNKNOWN).increment();
        return UNKNOWN_RECIPIENT;
    }

    /** Whether the recipient's domain is one of this server's; an unreadable domain list leaves it to the next check. */
    static boolean ours(DomainList domains, MailAddress rcpt) {
        try {
            return domains.containsDomain(rcpt.getDomain());
        } catch (DomainListException e) {
            LOGGER.warn("domain list unreadable; {} left to the next check", rcpt.asString(), e);
            return false;
        }
    }
}
