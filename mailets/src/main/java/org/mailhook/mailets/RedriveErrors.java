package org.mailhook.mailets;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.mailhook.config.Durations;
import org.mailhook.config.ParameterValues;
import org.mailhook.webhook.RetrySchedule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps James' error repository from being a silent parking place. A mail lands there only when a mailet
 * threw (storage down, a bug): SMTP already answered 250, so it must still reach its endpoint. This
 * mailet, the {@code error} processor's only one, counts the mail ({@code mailhook_error_mails_total}),
 * logs why and keeps it in {@code repositoryPath}. When even that store fails (a full disk), it waits and
 * tries again (1 s, doubling to 30 s) while holding the spool entry: the mail stays in the spool until it
 * is stored, where James' {@code ToRepository} would log the failure and let the spooler acknowledge a
 * mail stored nowhere; a shutdown in the meantime leaves the entry in the spool (with
 * {@code onMailetException=propagate} the spooler rolls it back). Every {@code interval} it sends the mails
 * of the repository back through {@code processor} (default {@code root}: the whole pipeline again, so a
 * fixed cause — storage back, a corrected configuration, an upgrade — delivers them), each mail waiting
 * longer after each failed pass ({@code interval} doubled per pass, at most {@code maxDelay}). A mail is
 * removed from the repository only after James' spool has stored it again; a crash in between sends it
 * twice through the pipeline, where the webhook keeps its one {@code webhook-id} per mail and endpoint.
 *
 * <pre>{@code
 * <processor state="error">
 *     <mailet match="All" class="org.mailhook.mailets.RedriveErrors">
 *         <repositoryPath>mailhook://var/mail/error/</repositoryPath>
 *         <interval>1m</interval>
 *         <maxDelay>6h</maxDelay>
 *         <onMailetException>propagate</onMailetException>
 *     </mailet>
 * </processor>
 * }</pre>
 */
public class RedriveErrors extends GenericMailet {
    static final String ERRORS_METRIC = "mailhook_error_mails";
    static final String REDRIVEN_METRIC = "mailhook_error_mails_redriven";
    /** How many times this mail was sent back from the error repository. */
    static final AttributeName PASSES = AttributeName.of("mailhook.error.passes");
    /** When the mail last reached the error processor (epoch millis); the wait counts from there. */
    static final AttributeName FAILED_AT = AttributeName.of("mailhook.error.failedAt");
    private static final Logger LOGGER = LoggerFactory.getLogger(RedriveErrors.class);
    private static final Duration FIRST_STORE_WAIT = Duration.ofSeconds(1);
    private static final Duration LONGEST_STORE_WAIT = Duration.ofSeconds(30);

    /** Waits between store attempts; a test passes one that records instead of sleeping. */
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final MailRepositoryStore repositoryStore;
    private final MetricFactory metrics;
    private final Clock clock;
    private final Sleeper sleeper;
    private MailRepository errors;
    private String processor;
    private Duration interval;
    /** The wait after each failed pass: interval, doubled per pass, at most maxDelay. */
    private RetrySchedule waits;
    private PeriodicTask task;

    @Inject
    public RedriveErrors(MailRepositoryStore repositoryStore, MetricFactory metrics) {
        this(repositoryStore, metrics, Clock.systemUTC(), duration -> Thread.sleep(duration.toMillis()));
    }

    RedriveErrors(MailRepositoryStore repositoryStore, MetricFactory metrics, Clock clock, Sleeper sleeper) {
        this.repositoryStore = repositoryStore;
        this.metrics = metrics;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    @Override
    public void init() throws MessagingException {
        String path = getInitParameter("repositoryPath", Repositories.ERROR);
        try {
            errors = repositoryStore.select(MailRepositoryUrl.from(path));
        } catch (Exception e) {
            throw new MessagingException("RedriveErrors: <repositoryPath> " + path + ": " + e.getMessage(), e);
        }
        processor = getInitParameter("processor", "root");
        ParameterValues parameters = ParameterValues.ofMailet("RedriveErrors", this::getInitParameter);
        try {
            interval = parameters.duration("interval", Duration.ofMinutes(1));
            Duration maxDelay = parameters.duration("maxDelay", Duration.ofHours(6));
            if (maxDelay.compareTo(interval) < 0) {
                throw new MessagingException("RedriveErrors: <maxDelay> " + Durations.format(maxDelay) + " is shorter than <interval> "
                    + Durations.format(interval));
            }
            waits = RetrySchedule.parse("exponential(" + Durations.format(interval) + ", " + Durations.format(maxDelay) + ")");
        } catch (IllegalArgumentException e) {
            throw new MessagingException(parameters.locate(e.getMessage()));
        }
        task = PeriodicTask.start("mailhook-redrive-errors", interval, interval, this::redriveQuietly);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        metrics.generate(ERRORS_METRIC).increment();
        MailAttributes.set(mail, FAILED_AT, clock.millis());
        String reason = mail.getErrorMessage() == null ? "unknown" : mail.getErrorMessage().lines().findFirst().orElse("unknown");
        LOGGER.error("mail {} failed in the pipeline after SMTP accepted it ({}); kept in the error repository and sent through {} again"
            + " every {} or later", mail.getName(), reason, processor, interval);
        keep(mail);
        mail.setState(Mail.GHOST);
    }

    /** Stores the mail in the error repository, waiting as long as storage fails. */
    private void keep(Mail mail) throws MessagingException {
        Duration wait = FIRST_STORE_WAIT;
        while (true) {
            try {
                errors.store(mail);
                return;
            } catch (MessagingException | RuntimeException e) {
                LOGGER.warn("mail {} could not be kept in the error repository ({}); it stays in the spool, next try in {}",
                    mail.getName(), e.getMessage(), Durations.format(wait));
            }
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MessagingException("interrupted while keeping mail " + mail.getName() + ": it stays in the spool", e);
            }
            wait = wait.multipliedBy(2).compareTo(LONGEST_STORE_WAIT) > 0 ? LONGEST_STORE_WAIT : wait.multipliedBy(2);
        }
    }

    /** Sends the mails whose wait is over back through the processor; returns how many. */
    int redrive() throws MessagingException {
        Instant now = clock.instant();
        List<MailKey> due = new ArrayList<>();
        for (Iterator<MailKey> it = errors.list(); it.hasNext(); ) {
            due.add(it.next());
        }
        int sent = 0;
        for (MailKey key : due) {
            Mail mail = errors.retrieve(key);
            if (mail == null) {
                continue;
            }
            try {
                long passes = MailAttributes.number(mail, PASSES).orElse(0L);
                // Without the attribute the spooler stored it itself, bypassing this processor: due now.
                Instant failedAt = MailAttributes.number(mail, FAILED_AT).map(Instant::ofEpochMilli).orElse(Instant.EPOCH);
                if (now.isBefore(failedAt.plus(delayAfter(passes)))) {
                    continue;
                }
                MailAttributes.set(mail, PASSES, passes + 1);
                mail.setErrorMessage(null);
                getMailetContext().sendMail(mail, processor);
                errors.remove(key);
                metrics.generate(REDRIVEN_METRIC).increment();
                sent++;
            } finally {
                LifecycleUtil.dispose(mail);
            }
        }
        if (sent > 0) {
            LOGGER.warn("sent {} mail(s) from the error repository through {} again", sent, processor);
        }
        return sent;
    }

    /** interval after the first failure, doubled after each pass, at most maxDelay. */
    Duration delayAfter(long passes) {
        return waits.nominalDelay((int) Math.min(Integer.MAX_VALUE, passes + 1));
    }

    private void redriveQuietly() {
        try {
            redrive();
        } catch (Exception e) {
            LOGGER.error("could not send mails from the error repository again; next try in {}", interval, e);
        }
    }

    @Override
    public void destroy() {
        if (task != null) {
            task.close();
        }
    }

    @Override
    public String getMailetInfo() {
        return "RedriveErrors: counts and logs mails that reach the error processor and sends them through the pipeline again";
    }
}
