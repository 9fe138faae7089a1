package org.mailhook.mailets;

import java.util.Locale;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.james.metrics.api.MetricFactory;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Counts what ToJson, Authenticate and QuarantineAttachments found in each mail, as James metrics
 * (exported by WebAdmin {@code /metrics} for Prometheus; names in docs/operations.md). Put it after
 * ToJson; it changes nothing in the mail.
 *
 * <pre>{@code <mailet match="All" class="org.mailhook.mailets.RecordMetrics"/>}</pre>
 */
public class RecordMetrics extends GenericMailet {
    public static final String ACCEPTED = "mailhook_mails_accepted";
    public static final String PARSE_ERRORS = "mailhook_mails_parse_errors";
    public static final String MISSING_MESSAGE_ID = "mailhook_mails_missing_message_id";
    public static final String QUARANTINED = "mailhook_mails_quarantined";
    /** Followed by {@code spf_<result>}, {@code dkim_<result>}, {@code dmarc_<result>}, {@code arc_<result>}. */
    public static final String AUTH_PREFIX = "mailhook_auth_";
    /** Followed by {@code <kind>_<reported domain>_pass} or {@code _fail}, e.g. {@code mailhook_report_dmarc_aggregate_example_com_fail}. */
    public static final String REPORT_PREFIX = "mailhook_report_";
    private static final Logger LOGGER = LoggerFactory.getLogger(RecordMetrics.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MetricFactory metrics;

    @Inject
    public RecordMetrics(MetricFactory metrics) {
        this.metrics = metrics;
    }

    @Override
    public void service(Mail mail) {
        metrics.generate(ACCEPTED).increment();
        // The summary, not the message JSON: it says the same in a few bytes instead of the whole mail.
        read(mail, MailAttributes.SUMMARY).ifPresent(summary -> {
            if (summary.path("errorCount").asInt() > 0) {
                metrics.generate(PARSE_ERRORS).increment();
            }
            if (!summary.path("messageId").isTextual()) {
                metrics.generate(MISSING_MESSAGE_ID).increment();
            }
            String kind = summary.path("reportKind").asText("");
            for (JsonNode count : summary.path("reportCounts")) {
                String name = REPORT_PREFIX + (kind + "_" + count.path("domain").asText()).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
                add(name + "_pass", count.path("pass").asLong());
                add(name + "_fail", count.path("fail").asLong());
            }
        });
        read(mail, MailAttributes.AUTH).ifPresent(auth -> {
            count("spf", auth.path("spf").path("result"));
            // One count per mail: the first signature's result, or none when it had no signature.
            count("dkim", auth.path("dkim").path(0).path("result"));
            count("dmarc", auth.path("dmarc").path("result"));
            count("arc", auth.path("arc").path("result"));
        });
        read(mail, MailAttributes.SECURITY).ifPresent(security -> {
            if (security.path("quarantined").size() > 0) {
                metrics.generate(QUARANTINED).increment();
            }
        });
    }

    /** Registers the counter even for 0, so a domain's pass and fail series both exist once it was reported. */
    private void add(String name, long amount) {
        var metric = metrics.generate(name);
        for (long left = Math.max(0, amount); left > 0; left -= Integer.MAX_VALUE) {
            metric.add((int) Math.min(left, Integer.MAX_VALUE));
        }
    }

    private void count(String method, JsonNode result) {
        String word = result.isTextual() ? result.asText().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "") : "none";
        metrics.generate(AUTH_PREFIX + method + "_" + (word.isEmpty() ? "none" : word)).increment();
    }

    private static Optional<JsonNode> read(Mail mail, org.apache.mailet.AttributeName name) {
        return MailAttributes.string(mail, name).flatMap(text -> {
            try {
                return Optional.of(JSON.readTree(text));
            } catch (Exception e) {
                LOGGER.warn("{} of mail {} is not JSON; not counted", name.asString(), mail.getName());
                return Optional.empty();
            }
        });
    }

    @Override
    public String getMailetInfo() {
        return "Mailhook RecordMetrics: counts accepted mails, parse errors, missing Message-ID, auth results, quarantines, report results per domain";
    }
}
