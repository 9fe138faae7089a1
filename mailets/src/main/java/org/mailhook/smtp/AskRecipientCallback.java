package org.mailhook.smtp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.mailhook.config.ParameterValues;
import org.mailhook.recipients.RecipientCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the recipient callback ({@link RecipientCallback}) at RCPT TO whether to take a recipient of one of
 * this server's domains: refused is answered {@code 550 5.1.1}; no answer within the timeout is answered
 * {@code 451 4.7.1} or taken, as {@code whenUnavailable} says; accepted goes on to the next check. List it
 * after {@link RejectUnroutedRecipients}, so recipients no route covers are refused without a request.
 * Recipients of other domains are left to James' relay check. Off unless {@code enabled} is true.
 * Parameters: docs/configuration.md.
 *
 * <pre>{@code
 * <handler class="org.mailhook.smtp.AskRecipientCallback">
 *     <enabled>true</enabled>
 *     <url>https://app.example/mailhook/recipients</url>
 *     <secret>whsec_…</secret>
 * </handler>
 * }</pre>
 */
public class AskRecipientCallback implements RcptHook {
    /** Followed by {@code accepted}, {@code refused} or {@code unavailable}: one per recipient asked about. */
    public static final String ANSWERS = "mailhook_smtp_rcpt_callback_";
    static final HookResult REFUSED = HookResult.builder()
        .hookReturnCode(HookReturnCode.deny())
        .smtpReturnCode("550")
        .smtpDescription("5.1.1 Recipient address rejected: not accepted here")
        .build();
    static final HookResult UNAVAILABLE = HookResult.builder()
        .hookReturnCode(HookReturnCode.denySoft())
        .smtpReturnCode("451")
        .smtpDescription("4.7.1 Recipient check unavailable, try again later")
        .build();
    private static final String VERSION = "0.1";
    private static final Logger LOGGER = LoggerFactory.getLogger(AskRecipientCallback.class);

    private final DomainList domains;
    private final MetricFactory metrics;
    private Optional<RecipientCallback> callback = Optional.empty();

    @Inject
    public AskRecipientCallback(DomainList domains, MetricFactory metrics) {
        this.domains = domains;
        this.metrics = metrics;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        ParameterValues values = ParameterValues.ofFile("smtpserver.xml: AskRecipientCallback", config::getString);
        RecipientCallback.Settings settings;
        try {
            settings = RecipientCallback.Settings.fromParameters(config::getString);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(values.locate(e.getMessage()), e);
        }
        callback = settings.enabled() ? Optional.of(RecipientCallback.overHttp(settings, VERSION, Clock.systemUTC())) : Optional.empty();
        LOGGER.info("recipient callback at RCPT TO: {}", settings);
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
        if (callback.isEmpty() || !RejectUnroutedRecipients.ours(domains, rcpt)) {
            return HookResult.DECLINED;
        }
        RecipientCallback.Decision decision = callback.get().ask(new RecipientCallback.Query(rcpt.asString(),
            sender.asOptional().map(MailAddress::asString).orElse(null),
            Optional.ofNullable(session.getRemoteAddress()).map(InetSocketAddress::getAddress).map(InetAddress::getHostAddress).orElse(null),
            session.getAttachment(SMTPSession.CURRENT_HELO_NAME, ProtocolSession.State.Connection).orElse(null)));
        metrics.generate(ANSWERS + decision.outcome().name().toLowerCase(Locale.ROOT)).increment();
        decision.reason().ifPresent(reason -> LOGGER.warn("recipient callback unavailable for {} ({}); {}", rcpt.asString(), reason,
            decision.answer() == RecipientCallback.Answer.TEMPFAIL ? "answered 451" : "taken"));
        return switch (decision.answer()) {
            case ACCEPT -> HookResult.DECLINED;
            case REFUSE -> REFUSED;
            case TEMPFAIL -> UNAVAILABLE;
        };
    }
}
