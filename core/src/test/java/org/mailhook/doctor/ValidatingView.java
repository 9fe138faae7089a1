package org.mailhook.doctor;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;

/**
 * Knot's answers as a recursive, validating resolver would flag them: RA always, AD when the answer
 * carries signatures (RRSIG). It lets the tests reach the doctor's AD-bit check, which an
 * authoritative server never exercises, without a recursive resolver on the machine.
 */
final class ValidatingView implements Resolver {
    private final Resolver authoritative;

    ValidatingView(Resolver authoritative) {
        this.authoritative = authoritative;
    }

    private static Message flagged(Message response) {
        response.getHeader().setFlag(Flags.RA);
        response.getHeader().unsetFlag(Flags.AA);
        if (response.getSection(Section.ANSWER).stream().anyMatch(r -> r.getType() == Type.RRSIG)) {
            response.getHeader().setFlag(Flags.AD);
        } else {
            response.getHeader().unsetFlag(Flags.AD);
        }
        return response;
    }

    @Override
    public Message send(Message query) throws IOException {
        return flagged(authoritative.send(query));
    }

    @Override
    public CompletionStage<Message> sendAsync(Message query) {
        return authoritative.sendAsync(query).thenApply(ValidatingView::flagged);
    }

    @Override
    public CompletionStage<Message> sendAsync(Message query, Executor executor) {
        return authoritative.sendAsync(query, executor).thenApply(ValidatingView::flagged);
    }

    @Override
    public void setPort(int port) {
        authoritative.setPort(port);
    }

    @Override
    public void setTCP(boolean tcp) {
        authoritative.setTCP(tcp);
    }

    @Override
    public void setIgnoreTruncation(boolean ignore) {
        authoritative.setIgnoreTruncation(ignore);
    }

    @Override
    public void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {
        authoritative.setEDNS(version, payloadSize, flags, options);
    }

    @Override
    public void setTSIGKey(TSIG key) {
        authoritative.setTSIGKey(key);
    }

    @Override
    public void setTimeout(Duration timeout) {
        authoritative.setTimeout(timeout);
    }
}
