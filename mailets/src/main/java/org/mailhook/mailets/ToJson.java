package org.mailhook.mailets;

import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.mailhook.config.ParameterValues;
import org.mailhook.json.Envelope;
import org.mailhook.json.MessageParser;
import org.mailhook.json.ParseOptions;
import org.mailhook.json.ParsedMessage;

/**
 * Parses the mail into the {@code mailhook.message.v1} JSON document and stores it on the mail for the
 * next mailets: attribute {@code mailhook.json} (the document, JSON text), {@code mailhook.id} (its
 * idempotency key) and {@code mailhook.summary} (a small JSON object for matchers: id, messageId, subject,
 * from, attachmentCount, errorCount, warningCount). Attributes {@code mailhook.auth} and {@code mailhook.security}, when an earlier
 * mailet set them, are embedded as the document's {@code auth} and {@code security} sections; {@code mailhook.spam}
 * (ScoreSpam) as {@code spam}, which is null when ScoreSpam did not run.
 * The mail itself is not changed. Malformed mail still gets a document (with {@code parse.errors}).
 *
 * <pre>{@code
 * <mailet match="All" class="org.mailhook.mailets.ToJson">
 *   <maxHeaderBytes>1048576</maxHeaderBytes>
 *   <maxParts>1000</maxParts>
 *   <maxDepth>20</maxDepth>
 *   <maxTextBytes>8388608</maxTextBytes>
 *   <attachmentInlineBytes>262144</attachmentInlineBytes>
 * </mailet>
 * }</pre>
 */
public class ToJson extends GenericMailet {
    private final Clock clock;
    private MessageParser parser;

    private final PipelineSteps steps;

    @Inject
    public ToJson(PipelineSteps steps) {
        this(Clock.systemUTC(), steps);
    }

    /** For tests: pins {@code receivedAt}. */
    public ToJson(Clock clock, PipelineSteps steps) {
        this.clock = clock;
        this.steps = steps;
    }

    @Override
    public void init() throws MessagingException {
        ParameterValues parameters = ParameterValues.ofMailet("ToJson", this::getInitParameter);
        ParseOptions options;
        try {
            options = new ParseOptions(
                (int) parameters.bytes("maxHeaderBytes", ParseOptions.DEFAULT_MAX_HEADER_BYTES, 0, Integer.MAX_VALUE),
                parameters.wholeNumber("maxParts", ParseOptions.DEFAULT_MAX_PARTS, 0, Integer.MAX_VALUE),
                parameters.wholeNumber("maxDepth", ParseOptions.DEFAULT_MAX_DEPTH, 0, Integer.MAX_VALUE),
                (int) parameters.bytes("maxTextBytes", ParseOptions.DEFAULT_MAX_TEXT_BYTES, 0, Integer.MAX_VALUE),
                (int) parameters.bytes("attachmentInlineBytes", ParseOptions.DEFAULT_ATTACHMENT_INLINE_BYTES, 0, Integer.MAX_VALUE));
        } catch (IllegalArgumentException e) {
            throw new MessagingException(parameters.locate(e.getMessage()));
        }
        parser = new MessageParser(options);
        steps.parser(parser);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        Map<String, String> sections = new LinkedHashMap<>();
        MailAttributes.string(mail, MailAttributes.AUTH).ifPresent(text -> sections.put("auth", text));
        MailAttributes.string(mail, MailAttributes.SECURITY).ifPresent(text -> sections.put("security", text));
        // Always present, null without ScoreSpam: a receiver tells "not scanned" from "scanned, clean".
        sections.put("spam", MailAttributes.string(mail, MailAttributes.SPAM).orElse("null"));
        ParsedMessage parsed;
        byte[] raw = MailBytes.read(mail);
        parsed = parser.parse(new ByteArrayInputStream(raw), envelope(mail), ReceivedTime.of(mail, clock), sections);
        MailAttributes.set(mail, MailAttributes.JSON, parsed.jsonText());
        MailAttributes.set(mail, MailAttributes.ID, parsed.id());
        MailAttributes.set(mail, MailAttributes.SUMMARY, parsed.summaryJson());
    }

    static Envelope envelope(Mail mail) {
        String mailFrom = mail.getMaybeSender().asOptional().map(MailAddress::asString).orElse(null);
        List<String> rcptTo = mail.getRecipients().stream().map(MailAddress::asString).toList();
        String helo = MailAttributes.string(mail, Mail.SMTP_HELO).orElse(null);
        return new Envelope(mailFrom, rcptTo, mail.getRemoteAddr(), mail.getRemoteHost(), helo);
    }

    @Override
    public String getMailetInfo() {
        return "ToJson: parses the mail into mailhook.message.v1 JSON (attributes mailhook.json, mailhook.id, mailhook.summary)";
    }
}
