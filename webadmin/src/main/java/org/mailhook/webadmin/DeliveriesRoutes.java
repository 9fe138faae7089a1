package org.mailhook.webadmin;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.webadmin.Routes;
import org.apache.mailet.Mail;
import org.mailhook.mailets.delivery.DeliveredStore;
import org.mailhook.mailets.delivery.DeliveryState;
import org.mailhook.mailets.delivery.RunningDeliveries;
import org.mailhook.mailets.RecordMails;
import org.mailhook.mailets.delivery.WebhookMetrics;
import org.mailhook.ops.MailhookSettings;
import org.mailhook.ops.WebhookQueueAccess;
import org.mailhook.webhook.DeliveredRecord;
import org.mailhook.webhook.DeliverySelection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import spark.Request;
import spark.Response;
import spark.Service;

/**
 * Webhook deliveries: what is pending or retrying on the webhook queue, what is dead, what was
 * delivered, and the operator's fixes. A redelivery puts the dead letter back on the webhook queue with
 * its attempt counter reset and the same webhook-id, then removes it from the dead letters (a crash in
 * between sends it twice with one webhook-id, which receivers deduplicate, and never loses it). A replay
 * of a delivered mail puts its archived copy on the queue the same way, with the webhook-id, route and
 * recipients of the recorded delivery, so the receiver gets the same body under the same webhook-id.
 * With {@code target}, either goes to another endpoint instead ({@link DeliveryState#retarget}: that
 * endpoint's own webhook-id, as if routed there); the one-mail and the many-mail forms take it alike.
 *
 * <pre>
 * GET    /mailhook/deliveries?status=pending|retrying|parked|dead|delivered&amp;endpoint=NAME&amp;from=ISO&amp;to=ISO&amp;limit=N
 * POST   /mailhook/deliveries/dead/{key}/redeliver?target=ENDPOINT   (target, optional: another endpoint, its own webhook-id)
 * POST   /mailhook/deliveries/dead/redeliver?endpoint=NAME&amp;from=ISO&amp;to=ISO&amp;target=ENDPOINT   (at least one filter, or all=true)
 * POST   /mailhook/deliveries/delivered/{key}/redeliver?target=ENDPOINT
 * POST   /mailhook/deliveries/delivered/redeliver?endpoint=NAME&amp;from=ISO&amp;to=ISO&amp;target=ENDPOINT   (likewise)
 * DELETE /mailhook/deliveries/dead/{key}
 * DELETE /mailhook/deliveries/delivered/{key}
 * DELETE /mailhook/deliveries/queued/{name}
 * </pre>
 *
 * <p>Every redelivery, replay and drop is written to the {@link AuditLog} (who, when, what, how many).
 */
public class DeliveriesRoutes implements Routes {
    public static final String BASE = "/mailhook/deliveries";
    private static final List<String> STATUSES = List.of("all", "pending", "retrying", "parked", "dead", "delivered");
    static final String NOT_BROWSABLE = "pending and retrying deliveries cannot be listed: this James' mail queue does not browse "
        + "(James' RabbitMQ queue without its Cassandra view); see the RabbitMQ management UI for queue depths";

    private final WebhookQueueAccess access;
    private final RunningDeliveries running;
    private final MetricFactory metrics;
    private final Clock clock;
    private final AuditLog audit;
    private final String queue;

    @Inject
    public DeliveriesRoutes(MailQueueFactory<? extends ManageableMailQueue> queues, MailRepositoryStore repositories,
                            MailhookSettings settings, MetricFactory metrics, AuditLog audit, RunningDeliveries running) throws Exception {
        this.access = new WebhookQueueAccess(queues, repositories, settings);
        this.running = running;
        this.audit = audit;
        this.metrics = metrics;
        this.clock = Clock.systemUTC();
        this.queue = settings.webhookQueue();
    }

    @Override
    public String getBasePath() {
        return BASE;
    }

    @Override
    public void define(Service service) {
        service.get(BASE, this::list);
        service.post(BASE + "/dead/redeliver", this::redeliverDeadLetters);
        service.post(BASE + "/dead/:key/redeliver", this::redeliverDeadLetter);
        service.post(BASE + "/delivered/redeliver", this::replayDeliveries);
        service.post(BASE + "/delivered/:key/redeliver", this::replayDelivery);
        service.delete(BASE + "/dead/:key", this::dropDead);
        service.delete(BASE + "/delivered/:key", this::dropDelivered);
        service.delete(BASE + "/queued/:name", this::dropQueued);
    }

    private Object list(Request request, Response response) throws Exception {
        String status = Optional.ofNullable(request.queryParams("status")).orElse("all");
        if (!STATUSES.contains(status)) {
            return JsonResponses.error(response, 400, "status must be pending, retrying, parked, dead, delivered or all");
        }
        DeliverySelection selection;
        int limit;
        try {
            selection = selection(request);
            limit = JsonResponses.intParam(request.queryParams("limit"), 100, 1, 1000, "limit");
        } catch (IllegalArgumentException e) {
            return JsonResponses.error(response, 400, e.getMessage());
        }
        if (status.equals("delivered") && access.delivered().isEmpty()) {
            return notRecorded(response);
        }
        Optional<List<WebhookQueueAccess.Queued>> queuedList = List.of("all", "pending", "retrying").contains(status)
            ? access.queued() : Optional.of(List.of());
        if (queuedList.isEmpty() && !status.equals("all")) {
            return JsonResponses.error(response, 501, NOT_BROWSABLE);
        }
        ObjectNode body = JsonResponses.JSON.createObjectNode();
        ArrayNode deliveries = body.putArray("deliveries");
        if (queuedList.isEmpty()) {
            body.put("queuedNotListed", NOT_BROWSABLE);
        } else {
            for (WebhookQueueAccess.Queued queued : queuedList.get()) {
                String state = queued.view().attempts() == 0 ? "pending" : "retrying";
                // queued mail has no time to select by: only the endpoint narrows it
                if ((status.equals("all") || status.equals(state)) && selection.matchesEndpoint(queued.view().endpoint())) {
                    ObjectNode node = describe(deliveries.addObject(), queued.view(), state);
                    queued.nextDelivery().ifPresentOrElse(at -> node.put("nextAttempt", at.toInstant().toString()),
                        () -> node.putNull("nextAttempt"));
                }
            }
        }
        if (status.equals("all") || status.equals("dead")) {
            for (WebhookQueueAccess.Stored dead : access.dead()) {
                if (selection.matches(dead.view().endpoint(), dead.lastAttemptOrStored())) {
                    describe(deliveries.addObject(), dead.view(), "dead").put("key", dead.key()).putNull("nextAttempt");
                }
            }
        }
        if (status.equals("all") || status.equals("parked")) {
            // waiting for an endpoint whose breaker is open: its probe, not a schedule, decides when
            for (WebhookQueueAccess.Stored parked : access.parked()) {
                if (selection.matchesEndpoint(parked.view().endpoint())) {
                    describe(deliveries.addObject(), parked.view(), "parked").put("key", parked.key()).putNull("nextAttempt");
                }
            }
        }
        if ((status.equals("all") || status.equals("delivered")) && access.delivered().isPresent()) {
            DeliveredStore.Page page = access.delivered().get().select(selection, limit);
            for (DeliveredRecord record : page.records()) {
                describe(deliveries.addObject(), DeliveryState.view(record), "delivered").put("key", record.key())
                    .put("deliveredAt", record.deliveredAt().toString()).put("archiveKey", record.archiveKey().orElse(null))
                    .putNull("nextAttempt");
            }
            body.put("moreDelivered", page.more());
        }
        return JsonResponses.ok(response, body);
    }

    private static ObjectNode describe(ObjectNode node, DeliveryState.View view, String status) {
        node.put("name", view.name());
        node.put("status", status);
        node.put("subject", view.subject().orElse(null));
        node.put("endpoint", view.endpoint().orElse(null));
        node.put("webhookId", view.webhookId());
        node.put("mailhookId", view.mailhookId().orElse(null));
        ArrayNode recipients = node.putArray("recipients");
        view.recipients().forEach(recipients::add);
        node.put("attempts", view.attempts());
        node.put("acceptedAt", view.acceptedAtMillis() > 0 ? Instant.ofEpochMilli(view.acceptedAtMillis()).toString() : null);
        JsonNode last = view.lastAttempt().orElse(null);
        node.put("lastAttemptAt", last == null ? null : last.path("at").asText(null));
        if (last == null || !last.has("status")) {
            node.putNull("lastStatus");
        } else {
            node.put("lastStatus", last.path("status").asInt());
        }
        node.put("lastError", last == null ? null : last.path("error").asText(null));
        node.put("deadReason", view.deadReason().orElse(null));
        return node;
    }

    /** Puts a dead letter or a delivered mail back on the webhook queue (one way for both), counted as a redelivery. */
    private void enqueueAgain(Mail mail) throws Exception {
        DeliveryState.resetForRedelivery(mail, clock.millis());
        access.queue().enQueue(mail);
        metrics.generate(WebhookMetrics.REDELIVERIES).increment();
    }

    /**
     * @param target another endpoint to send it to (checked by {@link #unknownTarget}), or empty for its own
     * @return empty when redelivered, else why not
     */
    private Optional<String> redeliverDead(String key, Optional<String> target) throws Exception {
        Mail mail = access.deadLetters().retrieve(new MailKey(key));
        if (mail == null) {
            return Optional.of("no longer a dead letter");
        }
        try {
            if (!DeliveryState.redeliverable(mail)) {
                return Optional.of("never routed to an endpoint (reason: " + DeliveryState.view(mail).deadReason().orElse("?")
                    + "); add a route and resend it");
            }
            Optional<String> elsewhere = target.filter(t -> !DeliveryState.view(mail).endpoint().orElse("").equals(t));
            if (elsewhere.isPresent()) {
                try {
                    DeliveryState.retarget(mail, elsewhere.get());
                } catch (javax.mail.MessagingException e) {
                    return Optional.of(e.getMessage());
                }
            }
            enqueueAgain(mail);
        } finally {
            LifecycleUtil.dispose(mail);
        }
        access.deadLetters().remove(new MailKey(key));
        return Optional.empty();
    }

    /**
     * @param target another endpoint to send it to (a name the running WebhookDelivery routes to, whose URL
     *               its sender checks against the SSRF policy at every attempt), or empty for the record's own;
     *               the record's own endpoint is a replay (its webhook-id)
     * @return empty when replayed, else why not
     */
    private Optional<String> replay(DeliveredRecord record, Optional<String> target) throws Exception {
        if (record.archiveKey().isEmpty()) {
            return Optional.of("the mail was not archived (no Archive mailet before WebhookDelivery)");
        }
        Mail archived = access.archive().retrieve(new MailKey(record.archiveKey().get()));
        if (archived == null) {
            return Optional.of("archived mail " + record.archiveKey().get() + " is gone (archive retention)");
        }
        try {
            DeliveryState.restoreDelivered(archived, record);
            Optional<String> elsewhere = target.filter(t -> !t.equals(record.endpoint()));
            if (elsewhere.isPresent()) {
                try {
                    DeliveryState.retarget(archived, record, elsewhere.get());
                } catch (javax.mail.MessagingException e) {
                    return Optional.of(e.getMessage());
                }
            }
            enqueueAgain(archived);
        } finally {
            LifecycleUtil.dispose(archived);
        }
        return Optional.empty();
    }

    private Object redeliverDeadLetter(Request request, Response response) throws Exception {
        String key = request.params("key");
        Mail mail = access.deadLetters().retrieve(new MailKey(key));
        if (mail == null) {
            return JsonResponses.error(response, 404, "no dead letter " + key);
        }
        Optional<String> own = DeliveryState.view(mail).endpoint();
        LifecycleUtil.dispose(mail);
        Optional<String> target = target(request).filter(t -> !own.equals(Optional.of(t)));
        Optional<String> unknown = unknownTarget(target);
        if (unknown.isPresent()) {
            return JsonResponses.error(response, 400, unknown.get());
        }
        return answerOne(request, response, "redeliver-dead", "dead letter " + key, key,
            key + target.map(t -> " to endpoint " + t).orElse(""), redeliverDead(key, target));
    }

    /** The {@code target} parameter: the endpoint to send to instead of each mail's own. */
    private static Optional<String> target(Request request) {
        return Optional.ofNullable(request.queryParams("target")).map(String::trim).filter(t -> !t.isEmpty());
    }

    /** @return why a target is refused (no endpoint of that name here, naming the ones there are), or empty when it is fine */
    private Optional<String> unknownTarget(Optional<String> target) {
        if (target.isEmpty()) {
            return Optional.empty();
        }
        List<String> endpoints = running.of(queue).map(RunningDeliveries.Running::endpointNames).orElse(List.of());
        if (endpoints.contains(target.get())) {
            return Optional.empty();
        }
        return Optional.of("target: no endpoint named " + target.get() + " here (endpoints: " + String.join(", ", endpoints)
            + "); for another URL mint an instant address (POST /mailhook/addresses) and use its endpoint");
    }

    private Object replayDelivery(Request request, Response response) throws Exception {
        if (access.delivered().isEmpty()) {
            return notRecorded(response);
        }
        String key = request.params("key");
        Optional<DeliveredRecord> record = access.delivered().get().find(key);
        if (record.isEmpty()) {
            return JsonResponses.error(response, 404, "no delivered record " + key);
        }
        Optional<String> target = target(request).filter(t -> !t.equals(record.get().endpoint()));
        Optional<String> unknown = unknownTarget(target);
        if (unknown.isPresent()) {
            return JsonResponses.error(response, 400, unknown.get());
        }
        return answerOne(request, response, "replay-delivered", "delivery " + key, key,
            key + target.map(t -> " to endpoint " + t).orElse(""), replay(record.get(), target));
    }

    private Object redeliverDeadLetters(Request request, Response response) throws Exception {
        return redeliverMany(request, response, "redeliver-dead", selection -> {
            Map<String, Optional<String>> results = new LinkedHashMap<>();
            for (WebhookQueueAccess.Stored dead : access.dead()) {
                if (selection.matches(dead.view().endpoint(), dead.lastAttemptOrStored())) {
                    results.put(dead.key(), redeliverDead(dead.key(), target(request)));
                }
            }
            return results;
        });
    }

    private Object replayDeliveries(Request request, Response response) throws Exception {
        if (access.delivered().isEmpty()) {
            return notRecorded(response);
        }
        return redeliverMany(request, response, "replay-delivered", selection -> {
            Map<String, Optional<String>> results = new LinkedHashMap<>();
            List<DeliveredRecord> records = new ArrayList<>(access.delivered().get().select(selection, Integer.MAX_VALUE).records());
            // oldest first: the receiver gets them again in the order it got them
            Collections.reverse(records);
            for (DeliveredRecord record : records) {
                results.put(record.key(), replay(record, target(request)));
            }
            return results;
        });
    }

    /** Redeliveries of what a selection picks: key → empty when done, else why it was skipped. */
    private interface Redeliveries {
        Map<String, Optional<String>> run(DeliverySelection selection) throws Exception;
    }

    private Object redeliverMany(Request request, Response response, String action, Redeliveries redeliveries) throws Exception {
        DeliverySelection selection;
        try {
            selection = selection(request);
        } catch (IllegalArgumentException e) {
            return JsonResponses.error(response, 400, e.getMessage());
        }
        if (selection.isEverything() && !"true".equals(request.queryParams("all"))) {
            return JsonResponses.error(response, 400, "give endpoint, from and/or to (or all=true to redeliver every one)");
        }
        Optional<String> unknown = unknownTarget(target(request));
        if (unknown.isPresent()) {
            return JsonResponses.error(response, 400, unknown.get());
        }
        ObjectNode results = results(redeliveries.run(selection));
        audit.record(request, action, "endpoint=" + Optional.ofNullable(request.queryParams("endpoint")).orElse("*")
                + " from=" + Optional.ofNullable(request.queryParams("from")).orElse("*")
                + " to=" + Optional.ofNullable(request.queryParams("to")).orElse("*")
                + target(request).map(t -> " to endpoint " + t).orElse(""),
            results.path("redelivered").asInt(), results.path("redelivered").asInt() + " redelivered, " + results.path("skipped").size() + " skipped");
        return JsonResponses.ok(response, results);
    }

    /** @param audited what the audit entry names (the key, and the endpoint of a replay to another one) */
    private Object answerOne(Request request, Response response, String action, String what, String key, String audited,
                             Optional<String> skipped) {
        if (skipped.isPresent()) {
            audit.record(request, action, audited, 0, "refused: " + skipped.get());
            return JsonResponses.error(response, 409, what + " not redelivered: " + skipped.get());
        }
        audit.record(request, action, audited, 1, "redelivered");
        return JsonResponses.ok(response, results(Map.of(key, Optional.empty())));
    }

    /** {"redelivered":N,"keys":[…],"skipped":[{"key","reason"}]} */
    private static ObjectNode results(Map<String, Optional<String>> results) {
        ObjectNode body = JsonResponses.JSON.createObjectNode();
        ArrayNode keys = body.putArray("keys");
        ArrayNode skipped = body.putArray("skipped");
        results.forEach((key, reason) -> reason.ifPresentOrElse(
            why -> skipped.addObject().put("key", key).put("reason", why), () -> keys.add(key)));
        body.put("redelivered", keys.size());
        return body;
    }

    private static DeliverySelection selection(Request request) {
        return DeliverySelection.parse(request.queryParams("endpoint"), request.queryParams("from"), request.queryParams("to"));
    }

    private static Object notRecorded(Response response) {
        return JsonResponses.error(response, 409, "delivered webhooks are not recorded here (webhook.deliveredRepository is empty"
            + " in mailhook.properties, as deliveredRepository should be in WebhookDelivery)");
    }

    private Object dropDelivered(Request request, Response response) throws Exception {
        if (access.delivered().isEmpty()) {
            return notRecorded(response);
        }
        if (!access.delivered().get().remove(request.params("key"))) {
            return JsonResponses.error(response, 404, "no delivered record " + request.params("key"));
        }
        audit.record(request, "drop-delivered", request.params("key"), 1, "dropped");
        response.status(204);
        return "";
    }

    private Object dropDead(Request request, Response response) throws Exception {
        if (!RecordMails.remove(access.deadLetters(), request.params("key"))) {
            return JsonResponses.error(response, 404, "no dead letter " + request.params("key"));
        }
        audit.record(request, "drop-dead", request.params("key"), 1, "dropped");
        response.status(204);
        return "";
    }

    private Object dropQueued(Request request, Response response) throws Exception {
        long removed = access.queue().remove(ManageableMailQueue.Type.Name, request.params("name"));
        if (removed == 0) {
            return JsonResponses.error(response, 404, "no queued delivery named " + request.params("name"));
        }
        audit.record(request, "drop-queued", request.params("name"), (int) removed, "dropped");
        response.status(204);
        return "";
    }
}
