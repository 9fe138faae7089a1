package org.mailhook.webadmin;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import javax.inject.Inject;

import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.webadmin.Routes;
import org.apache.mailet.Mail;
import org.mailhook.mailets.MailAttributes;
import org.mailhook.mailets.RecordMails;
import org.mailhook.ops.MailhookSettings;
import org.mailhook.ops.WebhookQueueAccess;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import spark.Request;
import spark.Response;
import spark.Service;

/**
 * The quarantine ({@code QuarantineAttachments}' repository of intact originals): list, release, drop,
 * each change written to the {@link AuditLog}. A release does what James' own
 * {@code PATCH /mailRepositories/…/mails/{key}?action=reprocess} does (the stored mail goes back on the
 * spool in its stored processor, then leaves the repository), synchronously and audited; the stored
 * copy carries {@code mailhook.quarantine}, so {@code QuarantineAttachments} lets it pass with
 * {@code "released": true} (docs/attachments.md).
 *
 * <pre>
 * GET    /mailhook/quarantine?limit=N          {"mails":[{"key","storedAt","sender","recipients","subject","mailhookId","security"}],"more"}
 * POST   /mailhook/quarantine/{key}/release    {"released":1,"keys":["…"]}
 * DELETE /mailhook/quarantine/{key}
 * </pre>
 */
public class QuarantineRoutes implements Routes {
    public static final String BASE = "/mailhook/quarantine";

    private final Supplier<MailRepository> quarantine;
    private final MailQueueFactory<? extends ManageableMailQueue> queues;
    private final AuditLog audit;

    @Inject
    public QuarantineRoutes(MailQueueFactory<? extends ManageableMailQueue> queues, MailRepositoryStore repositories, AuditLog audit,
                            MailhookSettings settings) throws Exception {
        this.queues = queues;
        this.quarantine = WebhookQueueAccess.repository(repositories, settings.quarantineRepository());
        this.audit = audit;
    }

    @Override
    public String getBasePath() {
        return BASE;
    }

    @Override
    public void define(Service service) {
        service.get(BASE, this::list);
        service.post(BASE + "/:key/release", this::release);
        service.delete(BASE + "/:key", this::drop);
    }

    private Object list(Request request, Response response) throws Exception {
        int limit;
        try {
            limit = JsonResponses.intParam(request.queryParams("limit"), 100, 1, 1000, "limit");
        } catch (IllegalArgumentException e) {
            return JsonResponses.error(response, 400, e.getMessage());
        }
        List<String> keys = new ArrayList<>();
        for (Iterator<MailKey> it = quarantine.get().list(); it.hasNext(); ) {
            keys.add(it.next().asString());
        }
        ObjectNode body = JsonResponses.JSON.createObjectNode();
        ArrayNode mails = body.putArray("mails");
        for (String key : keys.subList(0, Math.min(limit, keys.size()))) {
            Mail mail = quarantine.get().retrieve(new MailKey(key));
            if (mail == null) {
                continue;
            }
            try {
                ObjectNode node = mails.addObject().put("key", key);
                node.put("storedAt", mail.getLastUpdated() == null ? null : mail.getLastUpdated().toInstant().toString());
                node.put("sender", mail.getMaybeSender().asOptional().map(Object::toString).orElse(null));
                ArrayNode recipients = node.putArray("recipients");
                mail.getRecipients().forEach(r -> recipients.add(r.asString()));
                node.put("subject", Optional.ofNullable(mail.getMessage().getSubject()).orElse(null));
                node.put("mailhookId", MailAttributes.string(mail, MailAttributes.ID).orElse(null));
                Optional<String> security = MailAttributes.string(mail, MailAttributes.SECURITY);
                if (security.isPresent()) {
                    node.set("security", JsonResponses.JSON.readTree(security.get()));
                } else {
                    node.putNull("security");
                }
            } finally {
                LifecycleUtil.dispose(mail);
            }
        }
        body.put("total", keys.size());
        body.put("more", keys.size() > limit);
        return JsonResponses.ok(response, body);
    }

    private Object release(Request request, Response response) throws Exception {
        String key = request.params("key");
        Mail mail = quarantine.get().retrieve(new MailKey(key));
        if (mail == null) {
            return JsonResponses.error(response, 404, "no quarantined mail " + key);
        }
        try {
            MailQueue spool = queues.getQueue(MailQueueFactory.SPOOL).map(MailQueue.class::cast)
                .orElseGet(() -> queues.createQueue(MailQueueFactory.SPOOL));
            spool.enQueue(mail);
        } finally {
            LifecycleUtil.dispose(mail);
        }
        // enqueued first: a crash in between releases it twice, never loses it
        quarantine.get().remove(new MailKey(key));
        audit.record(request, "quarantine-release", key, 1, "released");
        ObjectNode body = JsonResponses.JSON.createObjectNode().put("released", 1);
        body.putArray("keys").add(key);
        return JsonResponses.ok(response, body);
    }

    private Object drop(Request request, Response response) throws Exception {
        String key = request.params("key");
        if (!RecordMails.remove(quarantine.get(), key)) {
            return JsonResponses.error(response, 404, "no quarantined mail " + key);
        }
        audit.record(request, "quarantine-drop", key, 1, "dropped");
        response.status(204);
        return "";
    }
}
