package org.mailhook.mailets;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.mailhook.webhook.WebhookSecret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each mail to the webhook endpoint(s) through a durable James mail queue and returns at
 * once; a consumer started by this mailet POSTs the {@code mailhook.json} payload, signed per
 * Standard Webhooks, retries on the schedule and moves what cannot be delivered to a dead-letter
 * repository. The queue holds the whole mail, so nothing accepted is lost when the endpoint or
 * this server goes down.
 *
 * <pre>{@code
 * <mailet match="All" class="org.mailhook.mailets.WebhookDelivery">
 *     <url>https://hooks.example.com/inbound</url>
 *     <secret>${env:MAILHOOK_WEBHOOK_SECRET}</secret>
 * </mailet>
 * }</pre>
 * Parameters are documented in docs/webhooks.md.
 */
public class WebhookDelivery extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(WebhookDelivery.class);
    /** Queue names in use in this JVM: two mailets sharing a queue would take each other's mail. */
    private static final Set<String> QUEUES_IN_USE = ConcurrentHashMap.newKeySet();

    private final MailQueueFactory<?> queueFactory;
    private final MailRepositoryStore repositoryStore;
    private final Clock clock;

    private WebhookEndpointConfig endpoint;
    private MailQueue queue;
    private String queueName;
    private WebhookQueueConsumer consumer;

    @Inject
    public WebhookDelivery(MailQueueFactory<?> queueFactory, MailRepositoryStore repositoryStore) {
        this(queueFactory, repositoryStore, Clock.systemUTC());
    }

    WebhookDelivery(MailQueueFactory<?> queueFactory, MailRepositoryStore repositoryStore, Clock clock) {
        this.queueFactory = queueFactory;
        this.repositoryStore = repositoryStore;
        this.clock = clock;
    }

    @Override
    public String getMailetInfo() {
        return "Mailhook WebhookDelivery";
    }

    @Override
    public void init() throws MessagingException {
        endpoint = WebhookEndpointConfig.from(this::getInitParameter, getMailetName());
        queueName = getInitParameter("queue", "mailhook-webhooks");
        if (!QUEUES_IN_USE.add(queueName)) {
            throw new MessagingException("WebhookDelivery: queue '" + queueName + "' is already used by another "
                + "WebhookDelivery mailet; give each one its own <queue>");
        }
        queue = queueFactory.createQueue(MailQueueName.of(queueName));
        MailRepository deadLetters;
        try {
            deadLetters = repositoryStore.select(MailRepositoryUrl.from(
                getInitParameter("deadLetterRepository", "file://var/mail/webhook-dead-letters/")));
        } catch (Exception e) {
            throw new MessagingException("WebhookDelivery: cannot open <deadLetterRepository>: " + e.getMessage(), e);
        }
        int concurrency = intParameter("concurrency", 8);
        consumer = new WebhookQueueConsumer(queue, endpoint, deadLetters, concurrency, clock);
        consumer.start();
        LOGGER.info("WebhookDelivery ready: endpoint {} via queue {} ({} consumers)", endpoint, queueName, concurrency);
    }

    private int intParameter(String name, int defaultValue) throws MessagingException {
        String value = getInitParameter(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new MessagingException("WebhookDelivery: <" + name + "> must be a whole number, got '" + value + "'");
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        String mailhookId = MailAttributes.string(mail, MailAttributes.ID)
            .orElseThrow(() -> new MessagingException("WebhookDelivery needs the mailhook.id attribute: put ToJson before it"));
        if (MailAttributes.string(mail, MailAttributes.JSON).isEmpty()) {
            throw new MessagingException("WebhookDelivery needs the mailhook.json attribute: put ToJson before it");
        }
        Mail copy = mail.duplicate();
        try {
            DeliveryAttributes.start(copy, endpoint.name(), webhookId(mailhookId, endpoint.name()), clock.millis());
            queue.enQueue(copy);
        } finally {
            LifecycleUtil.dispose(copy);
        }
        if (!Boolean.parseBoolean(getInitParameter("passThrough", "false"))) {
            mail.setState(Mail.GHOST);
        }
    }

    /** Stable for a message and an endpoint: the same on every retry and replay. */
    static String webhookId(String mailhookId, String endpointName) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                .digest((mailhookId + "\n" + endpointName).getBytes(StandardCharsets.UTF_8));
            return "msg_" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 27);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void destroy() {
        if (consumer != null) {
            consumer.stop();
        }
        if (queueName != null) {
            QUEUES_IN_USE.remove(queueName);
        }
    }
}
