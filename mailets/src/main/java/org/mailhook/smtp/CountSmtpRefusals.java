package org.mailhook.smtp;

import javax.inject.Inject;

import org.apache.james.core.MaybeSender;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.AbstractHookableCmdHandler;
import org.apache.james.protocols.smtp.hook.Hook;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookResultHook;
import org.apache.james.protocols.smtp.hook.MailHook;

/**
 * Counts the SMTP answers of class 4xx and 5xx that hooks give (MAIL FROM, RCPT TO, end of DATA: unknown
 * recipients, relaying denied, free space, size, spam policy), in total and by the envelope sender's domain.
 * List it first in smtpserver.xml's handler chain: as a MAIL FROM hook it notes the sender before any other
 * hook can refuse it. Sender domains are bounded by {@link SenderDomainNames}.
 */
public class CountSmtpRefusals implements MailHook, HookResultHook {
    /** Followed by {@code 4xx} or {@code 5xx}. */
    public static final String PREFIX = "mailhook_smtp_refused_";
    /** After {@code PREFIX + "5xx"}: followed by the sender's domain, dots and dashes as underscores. */
    public static final String BY_SENDER = "_sender_";
    private static final ProtocolSession.AttachmentKey<String> SENDER_DOMAIN =
        ProtocolSession.AttachmentKey.of("mailhook.senderDomain", String.class);

    private final MetricFactory metrics;
    private final SenderDomainNames senderDomains = new SenderDomainNames();

    @Inject
    public CountSmtpRefusals(MetricFactory metrics) {
        this.metrics = metrics;
    }

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        String domain = sender.asOptional().map(address -> address.getDomain().asString()).orElse("null_sender");
        session.setAttachment(SENDER_DOMAIN, domain, ProtocolSession.State.Connection);
        return HookResult.DECLINED;
    }

    @Override
    public HookResult onHookResult(SMTPSession session, HookResult result, long executionTime, Hook hook) {
        SMTPResponse response = AbstractHookableCmdHandler.calcDefaultSMTPResponse(result);
        String code = response == null ? null : response.getRetCode();
        if (code != null && (code.startsWith("4") || code.startsWith("5"))) {
            String klass = code.charAt(0) + "xx";
            metrics.generate(PREFIX + klass).increment();
            String domain = session.getAttachment(SENDER_DOMAIN, ProtocolSession.State.Connection).orElse("unknown");
            metrics.generate(PREFIX + klass + BY_SENDER + senderDomains.bounded(domain)).increment();
        }
        return result;
    }
}
