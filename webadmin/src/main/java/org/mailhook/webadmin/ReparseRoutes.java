package org.mailhook.webadmin;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.task.TaskId;
import org.apache.james.webadmin.Routes;
import org.mailhook.archive.ArchiveKeys;
import org.mailhook.mailets.PipelineSteps;
import org.mailhook.ops.ArchiveReparse;
import org.mailhook.ops.BulkReparses;
import org.mailhook.ops.MailhookSettings;
import org.mailhook.ops.WebhookQueueAccess;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import spark.Request;
import spark.Response;
import spark.Service;

/**
 * Reparse archived mails with the current code ({@link ArchiveReparse}, docs/operations.md#reparse): a
 * changed document becomes the mail's next revision and a {@code message.updated} event to the endpoints
 * that received it; an unchanged one sends nothing. Authentication is taken again only with
 * {@code reverify=true}. Same authentication as {@code /mailhook/messages} (James' JWT filter on its base path;
 * the Host/Origin check is {@link GuardEveryRoute}'s); each call is written to the {@link AuditLog}.
 *
 * <pre>
 * POST /mailhook/messages/{id}/reparse?reverify=true
 * POST /mailhook/messages/reparse?ids=ID,ID…&amp;since=ISO&amp;until=ISO&amp;reverify=true   (ids and/or a range; at most 1,000 mails)
 * POST /mailhook/messages/reparse?since=ISO&amp;until=ISO&amp;reverify=true&amp;background=true  201 {"taskId"}: a James task
 *      ({@link BulkReparses}), any size, progress at /tasks/{taskId}, cancelled by DELETE /tasks/{taskId}, resumed after a restart
 * </pre>
 */
public class ReparseRoutes implements Routes {
    /** A selection larger than this is refused: it would hold the request for minutes. */
    static final int MAX_MAILS = 1000;

    private final MessagesRoutes messages;
    private final ArchiveReparse reparse;
    private final AuditLog audit;
    private final BulkReparses bulk;

    @Inject
    public ReparseRoutes(MailQueueFactory<? extends ManageableMailQueue> queues, MailRepositoryStore repositories,
                         MailhookSettings settings, AuditLog audit, BulkReparses bulk, PipelineSteps pipeline) throws Exception {
        this.bulk = bulk;
        this.messages = new MessagesRoutes(repositories, settings, Clock.systemUTC());
        this.reparse = new ArchiveReparse(new WebhookQueueAccess(queues, repositories, settings), Clock.systemUTC(), pipeline);
        this.audit = audit;
    }

    @Override
    public String getBasePath() {
        return MessagesRoutes.BASE;
    }

    @Override
    public void define(Service service) {
        // no ToJson in this server's pipeline: nothing to reparse with
        service.exception(ArchiveReparse.NotReady.class, (e, request, response) ->
            response.body(JsonResponses.error(response, 409, e.getMessage())));
        service.post(MessagesRoutes.BASE + "/reparse", this::reparseMany);
        service.post(MessagesRoutes.BASE + "/:id/reparse", this::reparseOne);
    }

    private Object reparseOne(Request request, Response response) throws Exception {
        Optional<String> key = messages.keyOf(request.params("id"));
        if (key.isEmpty()) {
            return JsonResponses.error(response, 404, "no archived message " + request.params("id"));
        }
        ArchiveReparse.Result result = reparse.reparse(List.of(key.get()), reverify(request), ArchiveReparse.Events.NONE).get(0);
        if (result.skipped().isPresent()) {
            audit.record(request, "reparse", key.get(), 0, "refused: " + result.skipped().get());
            return JsonResponses.error(response, result.skipped().get().startsWith("no longer") ? 404 : 409,
                "message " + key.get() + " not reparsed: " + result.skipped().get());
        }
        audit.record(request, "reparse", key.get(), 1, outcome(result));
        return JsonResponses.ok(response, describe(JsonResponses.JSON.createObjectNode(), result));
    }

    private Object reparseMany(Request request, Response response) throws Exception {
        MessageSearch range;
        try {
            range = MessageSearch.parse(null, null, null, request.queryParams("since"), request.queryParams("until"));
        } catch (IllegalArgumentException e) {
            return JsonResponses.error(response, 400, e.getMessage());
        }
        String ids = Optional.ofNullable(request.queryParams("ids")).orElse("");
        if ("true".equals(request.queryParams("background"))) {
            return background(request, response, range, ids);
        }
        List<String> keys = new ArrayList<>();
        for (String id : ids.split(",")) {
            if (!id.isBlank()) {
                Optional<String> key = messages.keyOf(id.trim());
                if (key.isEmpty()) {
                    return JsonResponses.error(response, 404, "no archived message " + id.trim());
                }
                keys.add(key.get());
            }
        }
        if (keys.isEmpty() && range.isEverything()) {
            return JsonResponses.error(response, 400, "give ids and/or since/until");
        }
        if (keys.isEmpty()) {
            keys = messages.keys();
            keys.sort(null);
        }
        // ids and a range: the ids archived in the range
        keys.removeIf(key -> ArchiveKeys.archivedAtMillis(key).filter(range::archivedInRange).isEmpty());
        if (keys.size() > MAX_MAILS) {
            return JsonResponses.error(response, 400, keys.size() + " mails selected, more than " + MAX_MAILS
                + " at once: narrow since/until, or add background=true to run it as a task");
        }
        List<ArchiveReparse.Result> results = reparse.reparse(keys, reverify(request), ArchiveReparse.Events.NONE);
        ObjectNode body = JsonResponses.JSON.createObjectNode();
        ArrayNode list = body.putArray("results");
        ArrayNode skipped = body.putArray("skipped");
        int changed = 0;
        int events = 0;
        for (ArchiveReparse.Result result : results) {
            if (result.skipped().isPresent()) {
                skipped.addObject().put("id", result.key()).put("reason", result.skipped().get());
            } else {
                describe(list.addObject(), result);
                changed += result.changed() ? 1 : 0;
                events += result.notified().size();
            }
        }
        body.put("reparsed", list.size());
        body.put("changed", changed);
        body.put("unchanged", list.size() - changed);
        body.put("events", events);
        audit.record(request, "reparse", "ids=" + (ids.isBlank() ? "*" : ids)
                + " since=" + Optional.ofNullable(request.queryParams("since")).orElse("*")
                + " until=" + Optional.ofNullable(request.queryParams("until")).orElse("*"),
            list.size(), changed + " changed, " + events + " events, " + skipped.size() + " skipped");
        return JsonResponses.ok(response, body);
    }

    /** A bulk reparse of a time range as a James task: 201 {"taskId"}. */
    private Object background(Request request, Response response, MessageSearch range, String ids) {
        if (!ids.isBlank()) {
            return JsonResponses.error(response, 400, "background=true takes since/until, not ids");
        }
        TaskId task = bulk.start(range.since(), range.until(), reverify(request));
        audit.record(request, "reparse-task", "since=" + range.since().map(Object::toString).orElse("*")
            + " until=" + range.until().map(Object::toString).orElse("*"), 0, "task " + task.asString());
        response.header("Location", "/tasks/" + task.asString());
        return JsonResponses.status(response, 201, JsonResponses.JSON.createObjectNode().put("taskId", task.asString()));
    }

    private static boolean reverify(Request request) {
        return "true".equals(request.queryParams("reverify"));
    }

    private static String outcome(ArchiveReparse.Result result) {
        return result.changed() ? "revision " + result.revision() + ", " + result.notified().size() + " events" : "unchanged";
    }

    /** {"id","mailhookId","revision","changed","differences":[…],"notified":[endpoint…]} */
    private static ObjectNode describe(ObjectNode node, ArchiveReparse.Result result) {
        node.put("id", result.key());
        node.put("mailhookId", result.mailhookId().orElse(null));
        node.put("revision", result.revision());
        node.put("changed", result.changed());
        ArrayNode differences = node.putArray("differences");
        result.differences().forEach(differences::add);
        ArrayNode notified = node.putArray("notified");
        result.notified().forEach(notified::add);
        return node;
    }
}
