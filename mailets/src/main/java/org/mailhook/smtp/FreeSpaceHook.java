package org.mailhook.smtp;

import javax.inject.Inject;

import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.MailEnvelope;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MailHook;
import org.apache.james.protocols.smtp.hook.MessageHook;
import org.mailhook.ops.FreeSpaceMonitor;

/**
 * Answers {@code 452 4.3.1 Insufficient system storage} at MAIL FROM while the free-space guard is
 * engaged (before any byte of the mail is taken), and at the end of DATA, before the mail is spooled
 * and answered 250, when a fresh reading finds less than the bare minimum (half the threshold).
 * A thin adapter over {@link FreeSpaceMonitor}; listed in smtpserver.xml's handlerchain before
 * {@code CoreCmdHandlerLoader}.
 */
public class FreeSpaceHook implements MailHook, MessageHook {
    static final String CODE = "452";
    static final String DESCRIPTION = "4.3.1 Insufficient system storage";
    static final HookResult INSUFFICIENT_STORAGE = HookResult.builder()
        .hookReturnCode(HookReturnCode.denySoft())
        .smtpReturnCode(CODE)
        .smtpDescription(DESCRIPTION)
        .build();

    private final FreeSpaceMonitor monitor;

    @Inject
    public FreeSpaceHook(FreeSpaceMonitor monitor) {
        this.monitor = monitor;
    }

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        return answer(monitor.admitsNewMail());
    }

    @Override
    public HookResult onMessage(SMTPSession session, MailEnvelope mail) {
        return answer(monitor.roomAtEndOfData());
    }

    private HookResult answer(boolean room) {
        if (room) {
            return HookResult.DECLINED;
        }
        monitor.refused();
        return INSUFFICIENT_STORAGE;
    }
}
