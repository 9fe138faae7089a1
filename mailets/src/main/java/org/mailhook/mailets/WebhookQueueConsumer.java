package org.mailhook.mailets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueue.MailQueueItem;
import org.apache.mailet.Mail;
import org.mailhook.webhook.WebhookSignature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Takes mails off the webhook queue and delivers them: one attempt per dequeue, then done,
 * re-enqueued with the next delay, or moved to dead letters. A mail is acknowledged only after its
 * next state is stored (queue or repository), so a crash at any point repeats an attempt at worst,
 * with the same webhook-id, and never loses the mail.
 */
final class WebhookQueueConsumer {
    private static final Logger LOGGER = LoggerFactory.getLogger(WebhookQueueConsumer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType APPLICATION_JSON = MediaType.get("application/json");

    private final MailQueue queue;
    private final WebhookEndpointConfig endpoint;
    private final MailRepository deadLetters;
    private final int concurrency;
    private final Clock clock;
    private final OkHttpClient http;
    private Scheduler scheduler;
    private Disposable subscription;

    WebhookQueueConsumer(MailQueue queue, WebhookEndpointConfig endpoint, MailRepository deadLetters, int concurrency, Clock clock) {
        this.queue = queue;
        this.endpoint = endpoint;
        this.deadLetters = deadLetters;
        this.concurrency = concurrency;
        this.clock = clock;
        this.http = new OkHttpClient.Builder()
            .connectTimeout(endpoint.connectTimeout())
            .callTimeout(endpoint.callTimeout())
            .followRedirects(false)
            .build();
    }

    void start() {
        // JMS deQueue() blocks: it gets threads of its own.
        scheduler = Schedulers.newBoundedElastic(concurrency + 1, Integer.MAX_VALUE, "mailhook-webhook-" + endpoint.name());
        subscription = Flux.from(queue.deQueue())
            .subscribeOn(scheduler)
            .flatMap(item -> Mono.fromRunnable(() -> handle(item)).subscribeOn(scheduler), concurrency)
            .subscribe();
    }

    void stop() {
        if (subscription != null) {
            subscription.dispose();
        }
        if (scheduler != null) {
            scheduler.dispose();
        }
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    private void handle(MailQueueItem item) {
        Mail mail = item.getMail();
        try {
            deliver(mail);
            item.done(MailQueueItem.CompletionStatus.SUCCESS);
        } catch (Throwable e) {
            // The next state could not be stored: leave the mail on the queue for another try.
            LOGGER.error("webhook delivery of {} could not be recorded, it stays queued", mail.getName(), e);
            try {
                item.done(MailQueueItem.CompletionStatus.RETRY);
            } catch (Exception inner) {
                LOGGER.error("could not return {} to the queue", mail.getName(), inner);
            }
        } finally {
            LifecycleUtil.dispose(mail);
        }
    }

    private void deliver(Mail mail) throws Exception {
        String mailhookId = MailAttributes.string(mail, MailAttributes.ID).orElse("unknown");
        String webhookId = DeliveryAttributes.webhookId(mail);
        long attempt = DeliveryAttributes.attempts(mail) + 1;
        byte[] payload = MailAttributes.string(mail, MailAttributes.JSON).orElse("{}").getBytes(StandardCharsets.UTF_8);

        Instant started = clock.instant();
        long timestamp = started.getEpochSecond();
        int status = -1;
        String error = null;
        Request request = new Request.Builder()
            .url(endpoint.url().toString())
            .header(WebhookSignature.ID_HEADER, webhookId)
            .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
            .header(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(endpoint.secrets(), webhookId, timestamp, payload))
            .header("User-Agent", "Mailhook/0.1")
            .post(RequestBody.create(payload, APPLICATION_JSON))
            .build();
        try (Response response = http.newCall(request).execute()) {
            status = response.code();
        } catch (IOException e) {
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        long latencyMs = Duration.between(started, clock.instant()).toMillis();
        appendHistory(mail, started, status, latencyMs, error);
        MailAttributes.set(mail, DeliveryAttributes.ATTEMPTS, attempt);

        String verdict = status >= 200 && status < 300 ? "delivered" : nextStep(status, attempt);
        LOGGER.info("webhook id={} webhook-id={} endpoint={} attempt={} status={} latencyMs={} outcome={}{}",
            mailhookId, webhookId, endpoint.name(), attempt, status, latencyMs, verdict,
            error == null ? "" : " error=\"" + error + "\"");
        switch (verdict) {
            case "delivered" -> {
            }
            case "retry" -> queue.enQueue(mail, endpoint.delays().get((int) attempt - 1));
            default -> {
                MailAttributes.set(mail, DeliveryAttributes.DEAD_REASON, verdict);
                deadLetters.store(mail);
            }
        }
    }

    private String nextStep(int status, long attempt) {
        boolean retryable = status < 0 || status >= 500 || status == 408 || status == 425 || status == 429;
        if (!retryable) {
            return status == 410 ? "dead:gone" : "dead:permanent-" + status;
        }
        return attempt <= endpoint.delays().size() ? "retry" : "dead:attempts-exhausted";
    }

    private static void appendHistory(Mail mail, Instant at, int status, long latencyMs, String error) throws IOException {
        ArrayNode history = (ArrayNode) JSON.readTree(DeliveryAttributes.history(mail));
        ObjectNode entry = history.addObject();
        entry.put("at", at.toString());
        entry.put("status", status);
        entry.put("latencyMs", latencyMs);
        Optional.ofNullable(error).ifPresent(e -> entry.put("error", e));
        MailAttributes.set(mail, DeliveryAttributes.HISTORY, JSON.writeValueAsString(history));
    }
}
