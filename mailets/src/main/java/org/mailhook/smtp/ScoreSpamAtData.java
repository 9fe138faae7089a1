package org.mailhook.smtp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Mail;
import org.mailhook.config.ParameterValues;
import org.mailhook.mailets.MailBytes;
import org.mailhook.mailets.ScoreSpam;
import org.mailhook.spam.RspamdClient;
import org.mailhook.spam.SpamCheck;
import org.mailhook.spam.SpamPolicy;
import org.mailhook.spam.SpamVerdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores each mail with Rspamd at the end of DATA, before James spools it and answers, and answers as
 * the {@link SpamPolicy} says: {@code 550 5.7.1} for Rspamd's {@code reject} and {@code 451 4.7.1} for
 * {@code soft reject} / {@code greylist} on domains whose policy is {@code reject} (nothing is stored, and
 * the sending MTA, not this server, tells its user); otherwise the mail is taken with its verdict in the
 * attributes {@code mailhook.spam*}, which the {@code ScoreSpam} mailet then reuses instead of asking
 * Rspamd again. Rspamd down or slower than {@code timeout}: delivered marked {@code unavailable}, or
 * {@code 451 4.7.1} with {@code whenUnavailable=tempfail}. Allowlisted senders and networks are never
 * refused nor delayed. Off unless {@code enabled} is true. Parameters: docs/spam.md.
 */
public class ScoreSpamAtData implements JamesMessageHook {
    /** Followed by the action ({@code reject}, {@code soft_reject}, {@code no_action} …) or {@code unavailable}. */
    public static final String ACTIONS = "mailhook_spam_action_";
    private static final Logger LOGGER = LoggerFactory.getLogger(ScoreSpamAtData.class);
    static final HookResult REJECTED = HookResult.builder().hookReturnCode(HookReturnCode.deny())
        .smtpReturnCode("550").smtpDescription("5.7.1 Message rejected as spam").build();
    static final HookResult DELAYED = HookResult.builder().hookReturnCode(HookReturnCode.denySoft())
        .smtpReturnCode("451").smtpDescription("4.7.1 Message deferred by the spam filter, try again later").build();
    static final HookResult UNAVAILABLE = HookResult.builder().hookReturnCode(HookReturnCode.denySoft())
        .smtpReturnCode("451").smtpDescription("4.7.1 Spam filter unavailable, try again later").build();

    private final MetricFactory metrics;
    private final SenderDomainNames senderDomains = new SenderDomainNames();
    private boolean enabled;
    private RspamdClient rspamd;
    private SpamPolicy policy;

    @Inject
    public ScoreSpamAtData(MetricFactory metrics) {
        this.metrics = metrics;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        ParameterValues values = ParameterValues.ofFile("smtpserver.xml: ScoreSpamAtData", config::getString);
        try {
            enabled = values.flag("enabled", false);
            Duration timeout = values.duration("timeout", Duration.ofSeconds(5));
            rspamd = new RspamdClient(values.text("url", RspamdClient.DEFAULT_URL), timeout);
            policy = SpamPolicy.fromParameters(config::getString);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(values.locate(e.getMessage()), e);
        }
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        if (!enabled) {
            return HookResult.DECLINED;
        }
        Optional<InetAddress> client = Optional.ofNullable(session.getRemoteAddress()).map(InetSocketAddress::getAddress);
        String sender = mail.getMaybeSender().asOptional().map(MailAddress::asString).orElse(null);
        List<MailAddress> recipients = List.copyOf(mail.getRecipients());
        SpamVerdict verdict;
        try {
            verdict = rspamd.check(new SpamCheck(MailBytes.read(mail), sender, recipients.stream().map(MailAddress::asString).toList(),
                client.map(InetAddress::getHostAddress).orElse(null),
                session.getAttachment(SMTPSession.CURRENT_HELO_NAME, ProtocolSession.State.Connection).orElse(null), null, mail.getName()));
        } catch (MessagingException e) {
            verdict = SpamVerdict.unavailable(RspamdClient.SCANNER, "the mail could not be read: " + e.getMessage());
        }
        ScoreSpam.record(mail, verdict);
        String action = verdict.status() == SpamVerdict.Status.SCORED ? verdict.action().code().replace(' ', '_') : "unavailable";
        String domain = senderDomains.bounded(mail.getMaybeSender().asOptional().map(a -> a.getDomain().asString()).orElse("null_sender"));
        metrics.generate(ACTIONS + action).increment();
        metrics.generate(ACTIONS + action + CountSmtpRefusals.BY_SENDER + domain).increment();
        SpamPolicy.Answer answer = policy.decide(verdict, recipients.stream().map(r -> r.getDomain().asString()).toList(), sender,
            client.orElse(null));
        if (verdict.status() == SpamVerdict.Status.UNAVAILABLE) {
            LOGGER.warn("mail {}: spam verdict unavailable ({}); {}", mail.getName(), verdict.reason(),
                answer == SpamPolicy.Answer.DELIVER ? "taken without one" : "answered 451");
        }
        return switch (answer) {
            case DELIVER -> HookResult.DECLINED;
            case REJECT -> REJECTED;
            case TEMPFAIL -> DELAYED;
            case TEMPFAIL_UNAVAILABLE -> UNAVAILABLE;
        };
    }
}
