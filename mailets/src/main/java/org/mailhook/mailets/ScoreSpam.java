package org.mailhook.mailets;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.mailhook.config.ParameterValues;
import org.mailhook.json.Envelope;
import org.mailhook.json.VerdictTime;
import org.mailhook.spam.RspamdClient;
import org.mailhook.spam.SpamCheck;
import org.mailhook.spam.SpamVerdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks Rspamd for a spam verdict and stores it: {@code mailhook.spam} (JSON, the document's {@code spam}
 * section, embedded by ToJson), {@code mailhook.spam.status} ({@code scored} | {@code unavailable}) and,
 * when scored, {@code mailhook.spam.action} and {@code mailhook.spam.score} for matchers. The mail itself is
 * not changed and always continues: Rspamd down or slower than {@code timeout} gives status
 * {@code unavailable} with no score, never a clean verdict.
 *
 * <p>{@code whenUnavailable} accepts only {@code deliver}: a mailet runs after James answered 250 to the
 * end of DATA, so it cannot make the SMTP client retry (docs/spam.md). {@code enabled=false} turns the
 * mailet into a no-op (the document's {@code spam} stays null), so the shipped pipeline can carry it off.
 *
 * <pre>{@code
 * <mailet match="All" class="org.mailhook.mailets.ScoreSpam">
 *   <url>http://127.0.0.1:11333</url>
 *   <timeout>10s</timeout>
 *   <whenUnavailable>deliver</whenUnavailable>
 * </mailet>
 * }</pre>
 */
public class ScoreSpam extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(ScoreSpam.class);

    private final PipelineSteps steps;
    private boolean enabled;
    private RspamdClient rspamd;

    @Inject
    public ScoreSpam(PipelineSteps steps) {
        this.steps = steps;
    }

    @Override
    public void init() throws MessagingException {
        ParameterValues parameters = ParameterValues.ofMailet("ScoreSpam", this::getInitParameter);
        try {
            enabled = parameters.flag("enabled", true);
            String whenUnavailable = parameters.text("whenUnavailable", "deliver").toLowerCase(Locale.ROOT);
            if (whenUnavailable.equals("tempfail")) {
                throw new IllegalArgumentException("whenUnavailable: 'tempfail' is not possible in a mailet: James answered 250"
                    + " before mailets run, so no SMTP client can be asked to retry; use deliver (docs/spam.md)");
            }
            if (!whenUnavailable.equals("deliver")) {
                throw parameters.invalid("whenUnavailable", whenUnavailable, "deliver");
            }
            Duration timeout = parameters.duration("timeout", RspamdClient.DEFAULT_TIMEOUT);
            rspamd = new RspamdClient(parameters.text("url", RspamdClient.DEFAULT_URL), timeout);
        } catch (IllegalArgumentException e) {
            throw new MessagingException(parameters.locate(e.getMessage()), e);
        }
        if (enabled) {
            steps.score((raw, envelope, stored) -> Optional.of(rspamd.check(check(raw, envelope, null)).toJson()));
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        if (!enabled) {
            return;
        }
        if (MailAttributes.string(mail, MailAttributes.SPAM).isPresent()) {
            // Scored at SMTP time (org.mailhook.smtp.ScoreSpamAtData): the same mail is not sent to Rspamd twice.
            return;
        }
        SpamVerdict verdict = rspamd.check(check(mail));
        record(mail, verdict);
        if (verdict.status() == SpamVerdict.Status.UNAVAILABLE) {
            LOGGER.warn("mail {}: spam verdict unavailable, delivered without one: {}", mail.getName(), verdict.reason());
        }
    }

    /**
     * Stores a verdict taken now as the attributes above (an unavailable one without action and score, never as
     * clean); the section carries its {@code checkedAt}.
     */
    public static void record(Mail mail, SpamVerdict verdict) {
        MailAttributes.set(mail, MailAttributes.SPAM, VerdictTime.stamp(verdict.toJson(), Instant.now()));
        MailAttributes.set(mail, MailAttributes.SPAM_STATUS, verdict.status().code());
        if (verdict.status() == SpamVerdict.Status.SCORED) {
            MailAttributes.set(mail, MailAttributes.SPAM_ACTION, verdict.action().code());
            MailAttributes.set(mail, MailAttributes.SPAM_SCORE, Double.toString(verdict.score()));
        }
    }

    private static SpamCheck check(Mail mail) throws MessagingException {
        return check(MailBytes.read(mail), ToJson.envelope(mail), mail.getName());
    }

    private static SpamCheck check(byte[] raw, Envelope envelope, String name) {
        // James puts the address itself in remoteHost when reverse DNS gave no name; Rspamd wants a name or nothing.
        String hostname = Objects.equals(envelope.remoteHost(), envelope.remoteAddress()) ? null : envelope.remoteHost();
        return new SpamCheck(raw, envelope.mailFrom(), envelope.rcptTo(), envelope.remoteAddress(), envelope.helo(), hostname, name);
    }

    @Override
    public String getMailetInfo() {
        return "ScoreSpam: Rspamd's verdict as attributes mailhook.spam, mailhook.spam.status, .action, .score";
    }
}
