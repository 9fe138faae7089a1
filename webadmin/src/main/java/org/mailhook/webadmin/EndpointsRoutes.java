package org.mailhook.webadmin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import javax.inject.Inject;

import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.webadmin.Routes;
import org.mailhook.mailets.delivery.DeliveredStore;
import org.mailhook.mailets.delivery.DeliveryState;
import org.mailhook.mailets.delivery.RunningDeliveries;
import org.mailhook.ops.MailhookSettings;
import org.mailhook.ops.WebhookQueueAccess;
import org.mailhook.webhook.DeliveredRecord;
import org.mailhook.webhook.DeliveryStats;
import org.mailhook.webhook.EndpointBreaker;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import spark.Request;
import spark.Response;
import spark.Service;

/**
 * Endpoint health and delivery charts, read-only (docs/operations.md#endpoint-health):
 *
 * <pre>
 * GET /mailhook/endpoints
 * </pre>
 *
 * <p>Per endpoint: success rate and accept → ack p50/p99 of what finished in the last 24 hours (delivered
 * records accepted since then, at most {@value #MAX_RECORDS} of the newest, and the dead letters that died
 * since then), the circuit state of its breaker (closed, open, probing, or off) with when it opened and
 * when its next probe is due, and the mail waiting for it (pending, retrying, parked) with the age of the
 * oldest. The same outcomes make two charts: the last hour in 5-minute buckets, the last day in hourly ones.
 */
public class EndpointsRoutes implements Routes {
    public static final String BASE = "/mailhook/endpoints";
    static final int MAX_RECORDS = 10_000;
    static final Duration DAY = Duration.ofHours(24);

    private final WebhookQueueAccess access;
    private final RunningDeliveries running;
    private final String queue;
    private final Clock clock;

    @Inject
    public EndpointsRoutes(MailQueueFactory<? extends ManageableMailQueue> queues, MailRepositoryStore repositories,
                           MailhookSettings settings, RunningDeliveries running) {
        this.access = new WebhookQueueAccess(queues, repositories, settings);
        this.running = running;
        this.queue = settings.webhookQueue();
        this.clock = Clock.systemUTC();
    }

    @Override
    public String getBasePath() {
        return BASE;
    }

    @Override
    public void define(Service service) {
        service.get(BASE, this::health);
    }

    private Object health(Request request, Response response) throws Exception {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Instant since = now.minus(DAY);
        List<DeliveryStats.Outcome> outcomes = new ArrayList<>();
        ObjectNode body = JsonResponses.JSON.createObjectNode();
        body.put("at", now.toString());
        body.put("since", since.toString());
        if (access.delivered().isPresent()) {
            DeliveredStore.Page page = access.delivered().get().recent(since, MAX_RECORDS);
            for (DeliveredRecord record : page.records()) {
                outcomes.add(new DeliveryStats.Outcome(record.endpoint(), record.acceptedAt(), record.deliveredAt(), true));
            }
            body.put("deliveredRead", page.records().size());
            body.put("deliveredCapped", page.more());
        } else {
            body.put("deliveredRead", 0);
            body.put("deliveredCapped", false);
        }
        List<DeliveryStats.WaitingMail> waitingMails = new ArrayList<>();
        for (WebhookQueueAccess.Stored dead : access.dead()) {
            Optional<String> endpoint = dead.view().endpoint();
            Instant died = dead.lastAttemptOrStored();
            if (endpoint.isPresent() && !died.isBefore(since)) {
                outcomes.add(new DeliveryStats.Outcome(endpoint.get(), Instant.ofEpochMilli(dead.view().acceptedAtMillis()), died, false));
            }
        }
        Optional<List<WebhookQueueAccess.Queued>> queued = access.queued();
        if (queued.isPresent()) {
            for (WebhookQueueAccess.Queued item : queued.get()) {
                add(waitingMails, item.view(), item.view().attempts() == 0 ? "pending" : "retrying");
            }
        } else {
            body.put("queuedNotListed", DeliveriesRoutes.NOT_BROWSABLE);
        }
        for (WebhookQueueAccess.Stored parked : access.parked()) {
            add(waitingMails, parked.view(), "parked");
        }
        Map<String, DeliveryStats.Waiting> waiting = DeliveryStats.waitingByEndpoint(waitingMails);
        Map<String, DeliveryStats.Summary> summaries = DeliveryStats.byEndpoint(outcomes);
        Optional<EndpointBreaker> breaker = running.of(queue).map(RunningDeliveries.Running::breaker);
        TreeSet<String> names = new TreeSet<>(summaries.keySet());
        names.addAll(waiting.keySet());
        breaker.ifPresent(b -> names.addAll(b.known()));
        ArrayNode endpoints = body.putArray("endpoints");
        for (String name : names) {
            ObjectNode node = endpoints.addObject().put("name", name);
            summary(node, summaries.getOrDefault(name, DeliveryStats.Summary.NONE));
            circuit(node.putObject("circuit"), breaker, name, now);
            DeliveryStats.Waiting mine = waiting.getOrDefault(name, DeliveryStats.Waiting.NONE);
            ObjectNode counts = node.putObject("waiting");
            for (String status : List.of("pending", "retrying", "parked")) {
                counts.put(status, mine.count(status));
            }
            if (mine.oldestAcceptedAt().isEmpty()) {
                node.putNull("oldestWaitingSince").putNull("oldestWaitingSeconds");
            } else {
                Instant oldest = mine.oldestAcceptedAt().get();
                node.put("oldestWaitingSince", oldest.toString());
                node.put("oldestWaitingSeconds", Math.max(0, Duration.between(oldest, now).toSeconds()));
            }
        }
        // every endpoint a replay may be sent to: the configured ones and the minted instant addresses
        ArrayNode routable = body.putArray("routable");
        running.of(queue).ifPresent(delivery -> delivery.endpointNames().forEach(routable::add));
        ObjectNode charts = body.putObject("charts");
        chart(charts.putObject("hour"), outcomes, now, Duration.ofHours(1), Duration.ofMinutes(5));
        chart(charts.putObject("day"), outcomes, now, DAY, Duration.ofHours(1));
        return JsonResponses.ok(response, body);
    }

    private static void add(List<DeliveryStats.WaitingMail> waiting, DeliveryState.View view, String status) {
        view.endpoint().ifPresent(name -> waiting.add(new DeliveryStats.WaitingMail(name, status, view.acceptedAtMillis())));
    }

    private static ObjectNode summary(ObjectNode node, DeliveryStats.Summary summary) {
        node.put("delivered", summary.delivered());
        node.put("failed", summary.failed());
        summary.successRate().ifPresentOrElse(rate -> node.put("successRate", rate), () -> node.putNull("successRate"));
        summary.p50().ifPresentOrElse(p -> node.put("p50Ms", p.toMillis()), () -> node.putNull("p50Ms"));
        summary.p99().ifPresentOrElse(p -> node.put("p99Ms", p.toMillis()), () -> node.putNull("p99Ms"));
        return node;
    }

    private static void circuit(ObjectNode node, Optional<EndpointBreaker> breaker, String name, Instant now) {
        if (breaker.isEmpty() || !breaker.get().settings().enabled()) {
            node.put("state", "off").putNull("openedAt").putNull("nextProbeAt");
            return;
        }
        EndpointBreaker.State state = breaker.get().state(name);
        node.put("state", switch (state) {
            case CLOSED -> "closed";
            case OPEN -> "open";
            case PROBING -> "half-open";
        });
        Optional<Long> opened = breaker.get().openedAt(name);
        node.put("openedAt", opened.map(at -> Instant.ofEpochMilli(at).toString()).orElse(null));
        node.put("nextProbeAt", state == EndpointBreaker.State.OPEN ? now.plus(breaker.get().untilProbe(name)).toString() : null);
        node.put("timesOpened", breaker.get().timesOpened(name));
    }

    private static void chart(ObjectNode node, List<DeliveryStats.Outcome> outcomes, Instant now, Duration window, Duration step) {
        node.put("window", window.toString()).put("step", step.toString());
        ArrayNode buckets = node.putArray("buckets");
        // on whole steps (00:05, 00:10 … or whole hours): the last bucket is the one now is in
        Instant end = Instant.ofEpochMilli((now.toEpochMilli() / step.toMillis() + 1) * step.toMillis());
        for (DeliveryStats.Bucket bucket : DeliveryStats.buckets(outcomes, end, window, step)) {
            summary(buckets.addObject().put("start", bucket.start().toString()), bucket.summary());
        }
    }
}
