package org.mailhook.webadmin;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import javax.inject.Inject;

import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.utils.PropertiesProvider;
import org.apache.james.webadmin.Routes;
import org.apache.mailet.Mail;
import org.mailhook.mailets.DeliveryState;
import org.mailhook.mailets.WebhookMetrics;
import org.mailhook.ops.OpsSettings;
import org.mailhook.ops.WebhookQueueAccess;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import spark.Request;
import spark.Response;
import spark.Service;

/**
 * Webhook deliveries: what is pending or retrying on the webhook queue, what is dead, and the
 * operator's fixes. A redelivery puts the dead letter back on the webhook queue with its attempt
 * counter reset and the same webhook-id, then removes it from the dead letters (a crash in between
 * sends it twice with one webhook-id, which receivers deduplicate, and never loses it).
 *
 * <pre>
 * GET    /mailhook/deliveries?status=pending|retrying|dead&amp;endpoint=NAME
 * POST   /mailhook/deliveries/dead/{key}/redeliver
 * POST   /mailhook/deliveries/dead/redeliver?endpoint=NAME&amp;from=ISO&amp;to=ISO   (at least one filter)
 * DELETE /mailhook/deliveries/dead/{key}
 * DELETE /mailhook/deliveries/queued/{name}
 * </pre>
 */
public class DeliveriesRoutes implements Routes {
    public static final String BASE = "/mailhook/deliveries";

    private final WebhookQueueAccess access;
    private final MetricFactory metrics;
    private final Clock clock;

    @Inject
    public DeliveriesRoutes(MailQueueFactory<? extends ManageableMailQueue> queues, MailRepositoryStore repositories,
                            PropertiesProvider properties, MetricFactory metrics) throws Exception {
        this.access = new WebhookQueueAccess(queues, repositories, OpsSettings.load(properties));
        this.metrics = metrics;
        this.clock = Clock.systemUTC();
    }

    @Override
    public String getBasePath() {
        return BASE;
    }

    @Override
    public void define(Service service) {
        service.get(BASE, this::list);
        service.post(BASE + "/dead/redeliver", this::redeliverMany);
        service.post(BASE + "/dead/:key/redeliver", this::redeliverOne);
        service.delete(BASE + "/dead/:key", this::dropDead);
        service.delete(BASE + "/queued/:name", this::dropQueued);
    }

    private Object list(Request request, Response response) throws Exception {
        String status = Optional.ofNullable(request.queryParams("status")).orElse("all");
        if (!List.of("all", "pending", "retrying", "dead").contains(status)) {
            return JsonResponses.error(response, 400, "status must be pending, retrying, dead or all");
        }
        Optional<String> endpoint = Optional.ofNullable(request.queryParams("endpoint")).filter(s -> !s.isBlank());
        Predicate<DeliveryState.View> ofEndpoint = view -> endpoint.isEmpty() || endpoint.equals(view.endpoint());
        ObjectNode body = JsonResponses.JSON.createObjectNode();
        ArrayNode deliveries = body.putArray("deliveries");
        if (!status.equals("dead")) {
            for (WebhookQueueAccess.Queued queued : access.queued()) {
                String state = queued.view().attempts() == 0 ? "pending" : "retrying";
                if ((status.equals("all") || status.equals(state)) && ofEndpoint.test(queued.view())) {
                    ObjectNode node = describe(deliveries.addObject(), queued.view(), state);
                    queued.nextDelivery().ifPresentOrElse(at -> node.put("nextAttempt", at.toInstant().toString()),
                        () -> node.putNull("nextAttempt"));
                }
            }
        }
        if (status.equals("all") || status.equals("dead")) {
            for (WebhookQueueAccess.Dead dead : access.dead()) {
                if (ofEndpoint.test(dead.view())) {
                    describe(deliveries.addObject(), dead.view(), "dead").put("key", dead.key()).putNull("nextAttempt");
                }
            }
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

    private Object redeliverOne(Request request, Response response) throws Exception {
        String key = request.params("key");
        Mail mail = access.deadLetters().retrieve(new MailKey(key));
        if (mail == null) {
            return JsonResponses.error(response, 404, "no dead letter " + key);
        }
        try {
            if (!DeliveryState.redeliverable(mail)) {
                return JsonResponses.error(response, 409, "dead letter " + key + " was never routed to an endpoint (reason: "
                    + DeliveryState.view(mail).deadReason().orElse("?") + "); add a route and resend it");
            }
            redeliver(key, mail);
        } finally {
            LifecycleUtil.dispose(mail);
        }
        ObjectNode body = JsonResponses.JSON.createObjectNode().put("redelivered", 1);
        body.putArray("keys").add(key);
        return JsonResponses.ok(response, body);
    }

    private Object redeliverMany(Request request, Response response) throws Exception {
        Optional<String> endpoint = Optional.ofNullable(request.queryParams("endpoint")).filter(s -> !s.isBlank());
        Optional<Instant> from;
        Optional<Instant> to;
        try {
            from = instant(request.queryParams("from"));
            to = instant(request.queryParams("to"));
        } catch (DateTimeParseException e) {
            return JsonResponses.error(response, 400, "from/to must be ISO-8601 instants like 2026-11-29T06:00:00Z");
        }
        if (endpoint.isEmpty() && from.isEmpty() && to.isEmpty() && !"true".equals(request.queryParams("all"))) {
            return JsonResponses.error(response, 400, "give endpoint, from and/or to (or all=true to redeliver every dead letter)");
        }
        ObjectNode body = JsonResponses.JSON.createObjectNode();
        ArrayNode keys = body.putArray("keys");
        ArrayNode skipped = body.putArray("skipped");
        for (WebhookQueueAccess.Dead dead : access.dead()) {
            // "when it died": the last attempt's time, else when it was stored
            long diedAt = dead.view().lastAttempt().map(a -> a.path("at").asText(""))
                .filter(s -> !s.isEmpty()).map(s -> Instant.parse(s).toEpochMilli()).orElse(dead.lastUpdatedMillis());
            boolean selected = (endpoint.isEmpty() || endpoint.equals(dead.view().endpoint()))
                && (from.isEmpty() || diedAt >= from.get().toEpochMilli())
                && (to.isEmpty() || diedAt < to.get().toEpochMilli());
            if (!selected) {
                continue;
            }
            Mail mail = access.deadLetters().retrieve(new MailKey(dead.key()));
            if (mail == null) {
                continue;
            }
            try {
                if (DeliveryState.redeliverable(mail)) {
                    redeliver(dead.key(), mail);
                    keys.add(dead.key());
                } else {
                    skipped.add(dead.key());
                }
            } finally {
                LifecycleUtil.dispose(mail);
            }
        }
        body.put("redelivered", keys.size());
        return JsonResponses.ok(response, body);
    }

    private void redeliver(String key, Mail mail) throws Exception {
        DeliveryState.resetForRedelivery(mail, clock.millis());
        access.queue().enQueue(mail);
        access.deadLetters().remove(new MailKey(key));
        metrics.generate(WebhookMetrics.REDELIVERIES).increment();
    }

    private Object dropDead(Request request, Response response) throws Exception {
        MailKey key = new MailKey(request.params("key"));
        Mail mail = access.deadLetters().retrieve(key);
        if (mail == null) {
            return JsonResponses.error(response, 404, "no dead letter " + key.asString());
        }
        LifecycleUtil.dispose(mail);
        access.deadLetters().remove(key);
        response.status(204);
        return "";
    }

    private Object dropQueued(Request request, Response response) throws Exception {
        long removed = access.queue().remove(ManageableMailQueue.Type.Name, request.params("name"));
        if (removed == 0) {
            return JsonResponses.error(response, 404, "no queued delivery named " + request.params("name"));
        }
        response.status(204);
        return "";
    }

    private static Optional<Instant> instant(String text) {
        return text == null || text.isBlank() ? Optional.empty() : Optional.of(Instant.parse(text.trim()));
    }
}
