package org.mailhook.mailets;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.mailhook.attachments.AttachmentPolicy;
import org.mailhook.attachments.AttachmentStripper;
import org.mailhook.attachments.AttachmentVerdict;
import org.mailhook.attachments.ClamdClient;
import org.mailhook.attachments.ContentClassifier;
import org.mailhook.attachments.MessageScanner;
import org.mailhook.attachments.ScanLimits;
import org.mailhook.attachments.ScanReport;
import org.mailhook.attachments.ScannerDownPolicy;
import org.mailhook.attachments.Verdict;
import org.mailhook.attachments.VirusScanner;
import org.mailhook.config.ParameterValues;
import org.mailhook.json.VerdictTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Scans every attachment (see {@link MessageScanner}) and acts per verdict: {@code strip} replaces
 * the part with a short text notice, {@code processor} sends the whole mail to a processor,
 * {@code keep} only records. Whenever it strips or diverts, the original mail is first stored intact
 * in the quarantine mail repository, with the verdict JSON as attributes. It always sets
 * {@code mailhook.security} (JSON: verdict, quarantined[] of partId/filename/reasons, warnings).
 *
 * <p>A mail released from the quarantine repository (James WebAdmin reprocess) carries
 * {@code mailhook.quarantine}; it is scanned and reported again but passes unchanged, marked
 * {@code "released": true}. Parameters are documented in docs/attachments.md.
 */
public class QuarantineAttachments extends GenericMailet {
    /** On the stored original: the verdict JSON at the time it was quarantined; also marks a released mail. */
    public static final AttributeName QUARANTINE = AttributeName.of("mailhook.quarantine");
    public static final String DEFAULT_PROCESSOR = "quarantine";
    public static final String DEFAULT_NOTICE = "Mailhook removed the attachment \"{filename}\" ({verdict}: {reasons}).\r\n"
        + "The original message is kept in quarantine as {key}; an administrator can release it.\r\n";

    private static final Logger LOGGER = LoggerFactory.getLogger(QuarantineAttachments.class);

    /** What happens to a mail (or part) by verdict. */
    enum Action {
        KEEP("kept"), STRIP("stripped"), PROCESSOR("diverted");

        private final String done;

        Action(String done) {
            this.done = done;
        }

        static Action parse(String parameter, String value) throws MessagingException {
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new MessagingException(parameter + " must be keep, strip or processor, got '" + value + "'");
            }
        }
    }

    private final MailRepositoryStore repositoryStore;
    private MailRepository repository;
    private String repositoryUrl;
    private MessageScanner scanner;
    private ScanLimits limits;
    private final Map<Verdict, Action> actions = new EnumMap<>(Verdict.class);
    private String processor;
    private String notice;

    private final PipelineSteps steps;

    @Inject
    public QuarantineAttachments(MailRepositoryStore repositoryStore, PipelineSteps steps) {
        this.repositoryStore = repositoryStore;
        this.steps = steps;
    }

    @Override
    public String getMailetInfo() {
        return "Mailhook QuarantineAttachments";
    }

    @Override
    public void init() throws MessagingException {
        ParameterValues parameters = ParameterValues.ofMailet("QuarantineAttachments", this::getInitParameter);
        try {
            limits = ScanLimits.parse(this::getInitParameter);
            AttachmentPolicy policy = new AttachmentPolicy(AttachmentPolicy.parseExtensions(getInitParameter("blockedExtensions", "default")), limits);
            Optional<VirusScanner> clamd = getInitParameterAsOptional("clamd").map(spec -> ClamdClient.parse(spec,
                Duration.ofMillis(parameters.wholeNumber("clamdTimeout", ClamdClient.DEFAULT_TIMEOUT.toMillis(), 0, Long.MAX_VALUE)),
                parameters.bytes("clamdMaxBytes", ClamdClient.DEFAULT_MAX_BYTES)));
            ScannerDownPolicy whenDown = ScannerDownPolicy.fromCode(getInitParameter("clamdUnavailable", "warn"));
            scanner = new MessageScanner(new ContentClassifier(policy), clamd, whenDown);
        } catch (IllegalArgumentException e) {
            throw new MessagingException(parameters.locate(e.getMessage()), e);
        }
        actions.put(Verdict.CLEAN, Action.KEEP);
        actions.put(Verdict.DANGEROUS, Action.parse("onDangerous", getInitParameter("onDangerous", "strip")));
        actions.put(Verdict.SUSPICIOUS, Action.parse("onSuspicious", getInitParameter("onSuspicious", "keep")));
        processor = getInitParameter("processor", DEFAULT_PROCESSOR);
        notice = getInitParameter("notice", DEFAULT_NOTICE);
        repositoryUrl = getInitParameter("repositoryPath", Repositories.QUARANTINE);
        steps.classify((raw, envelope, stored) -> reclassify(raw, stored));
        try {
            repository = repositoryStore.select(MailRepositoryUrl.from(repositoryUrl));
        } catch (MailRepositoryStore.MailRepositoryStoreException | IllegalArgumentException e) {
            throw new MessagingException("QuarantineAttachments: cannot open quarantine repository " + repositoryUrl, e);
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        byte[] original = MailBytes.read(mail);
        ScanReport report = scanner.scan(original);
        report.warnings().forEach(warning -> LOGGER.warn("mail {}: {}", mail.getName(), warning));
        boolean released = mail.getAttribute(QUARANTINE).isPresent();
        Action mailAction = released ? Action.KEEP : mailAction(report);

        String key = mail.getName();
        String json = VerdictTime.stamp(verdictJson(report, released, mailAction, Optional.of(key)), Instant.now());

        if (mailAction != Action.KEEP) {
            storeOriginal(mail, key, json);
            LOGGER.info("mail {} quarantined ({}): {}", key, report.verdict().code(), report.reasons());
        }
        if (mailAction == Action.STRIP) {
            strip(mail, original, report, key);
        }
        MailAttributes.set(mail, MailAttributes.SECURITY, json);
        if (mailAction == Action.PROCESSOR) {
            mail.setState(processor);
        }
    }

    /**
     * The {@code security} section (without its time): the verdicts, what was done to each part and to the mail,
     * and where the original was put when it was kept ({@code quarantineKey}; empty for a reparse, which stores nothing).
     */
    private String verdictJson(ScanReport report, boolean released, Action mailAction, Optional<String> quarantineKey) {
        Map<Verdict, String> partActions = new EnumMap<>(Verdict.class);
        for (Verdict verdict : Verdict.values()) {
            partActions.put(verdict, released ? "released" : mailAction == Action.PROCESSOR ? Action.PROCESSOR.done : actions.get(verdict).done);
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("action", released ? "released" : mailAction.done);
        extra.put("released", released);
        if (mailAction != Action.KEEP && quarantineKey.isPresent()) {
            extra.put("quarantine", Map.of("repository", repositoryUrl, "key", quarantineKey.get()));
        }
        return report.toJson(partActions, extra);
    }

    /** The section a reparse takes again: the mail's stored copy scanned as if it arrived now, nothing stored or stripped. */
    private Optional<String> reclassify(byte[] raw, JsonNode stored) {
        ScanReport report = scanner.scan(raw);
        boolean released = stored.path("released").asBoolean(false);
        return Optional.of(verdictJson(report, released, released ? Action.KEEP : mailAction(report), Optional.empty()));
    }

    /** The strongest action any part's verdict asks for: processor over strip over keep. */
    private Action mailAction(ScanReport report) {
        Action strongest = Action.KEEP;
        for (AttachmentVerdict attachment : report.flagged()) {
            Action action = actions.get(attachment.verdict());
            if (action.compareTo(strongest) > 0) {
                strongest = action;
            }
        }
        return strongest;
    }

    private void storeOriginal(Mail mail, String key, String json) throws MessagingException {
        Mail copy = MailBytes.copy(mail);
        try {
            copy.setName(key);
            // Reprocessing without ?processor= sends it back here, where the QUARANTINE attribute lets it pass.
            copy.setState(mail.getState());
            MailAttributes.set(copy, MailAttributes.SECURITY, json);
            MailAttributes.set(copy, QUARANTINE, json);
            repository.store(copy);
        } finally {
            LifecycleUtil.dispose(copy);
        }
    }

    private void strip(Mail mail, byte[] original, ScanReport report, String key) throws MessagingException {
        Map<String, String> notices = new LinkedHashMap<>();
        for (AttachmentVerdict attachment : report.flagged()) {
            if (actions.get(attachment.verdict()) == Action.STRIP) {
                notices.put(attachment.partId(), notice
                    .replace("{filename}", attachment.filename() == null ? "unnamed" : attachment.filename())
                    .replace("{verdict}", attachment.verdict().code())
                    .replace("{reasons}", String.join(", ", attachment.reasons()))
                    .replace("{partId}", attachment.partId())
                    .replace("{key}", key));
            }
        }
        try {
            byte[] stripped = AttachmentStripper.replaceParts(original, notices, limits);
            MailBytes.replace(mail, stripped);
        } catch (IOException e) {
            throw new MessagingException("QuarantineAttachments: could not strip parts of " + key + " (original is in quarantine)", e);
        }
    }
}
