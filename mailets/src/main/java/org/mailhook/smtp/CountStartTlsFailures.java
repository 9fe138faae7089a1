package org.mailhook.smtp;

import javax.inject.Inject;

import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.StartTlsResponse;
import org.apache.james.protocols.api.handler.DisconnectHandler;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.api.handler.ProtocolHandlerResultHandler;
import org.apache.james.protocols.smtp.SMTPSession;

/**
 * Counts the SMTP sessions in which STARTTLS was answered {@code 220} but TLS was never established: the
 * handshake failed (a client that cannot agree on a protocol or cipher, or does not trust the certificate,
 * or sends plain text) or the client went away before it finished. Such a sender either falls back to plain
 * text or does not deliver at all, and only the server sees it happen.
 *
 * <p>Why these two James hooks. James 3.8.1's {@code SMTPSession.isTLSStarted()} only says that Netty's
 * {@code SslHandler} is in the pipeline, which it is from the moment the {@code 220} is written, whether or
 * not the handshake then succeeds; and no James hook is told of the handshake itself (its failure reaches
 * only the Netty handler, which closes the channel). What does prove the handshake: a command reaches the
 * command dispatcher only after the {@code SslHandler} has decrypted it. So, as a
 * {@link ProtocolHandlerResultHandler} (told of every command's response), this notes the {@code 220} to
 * STARTTLS ({@link StartTlsResponse}) and counts a success at the next command's response; as a
 * {@link DisconnectHandler}, it counts a failure when the session ends with the {@code 220} still unanswered.
 * A client that completes the handshake and then closes without a single command counts as a failure.
 */
public class CountStartTlsFailures implements ProtocolHandlerResultHandler<Response, SMTPSession>, DisconnectHandler<SMTPSession> {
    /** Sessions whose STARTTLS got 220 and that ended before any command came over TLS. */
    public static final String FAILURES = "mailhook_smtp_starttls_failures";
    /** Sessions in which a command came over TLS after STARTTLS. */
    public static final String SUCCESSES = "mailhook_smtp_starttls_successes";
    private static final ProtocolSession.AttachmentKey<Boolean> PENDING =
        ProtocolSession.AttachmentKey.of("mailhook.starttlsPending", Boolean.class);

    private final MetricFactory metrics;

    @Inject
    public CountStartTlsFailures(MetricFactory metrics) {
        this.metrics = metrics;
    }

    @Override
    public Response onResponse(ProtocolSession session, Response response, long executionTime, ProtocolHandler handler) {
        if (response instanceof StartTlsResponse) {
            session.setAttachment(PENDING, Boolean.TRUE, ProtocolSession.State.Connection);
        } else if (session.getAttachment(PENDING, ProtocolSession.State.Connection).isPresent()) {
            session.removeAttachment(PENDING, ProtocolSession.State.Connection);
            metrics.generate(SUCCESSES).increment();
        }
        return response;
    }

    @Override
    public void onDisconnect(SMTPSession session) {
        if (session.getAttachment(PENDING, ProtocolSession.State.Connection).isPresent()) {
            metrics.generate(FAILURES).increment();
        }
    }
}
