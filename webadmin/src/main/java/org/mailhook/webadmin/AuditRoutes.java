package org.mailhook.webadmin;

import javax.inject.Inject;

import org.apache.james.webadmin.Routes;
import org.mailhook.ops.MailhookSettings;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import spark.Request;
import spark.Response;
import spark.Service;

/**
 * The audit log of WebAdmin actions ({@link AuditLog}), newest first.
 *
 * <pre>
 * GET /mailhook/audit?limit=N   {"entries":[{"at","who","from","action","target","mails","outcome"}]}
 * </pre>
 */
public class AuditRoutes implements Routes {
    public static final String BASE = "/mailhook/audit";

    private final AuditLog audit;

    @Inject
    public AuditRoutes(AuditLog audit, MailhookSettings settings) throws Exception {
        this.audit = audit;
    }

    @Override
    public String getBasePath() {
        return BASE;
    }

    @Override
    public void define(Service service) {
        service.get(BASE, this::list);
    }

    private Object list(Request request, Response response) throws Exception {
        int limit;
        try {
            limit = JsonResponses.intParam(request.queryParams("limit"), 100, 1, 10_000, "limit");
        } catch (IllegalArgumentException e) {
            return JsonResponses.error(response, 400, e.getMessage());
        }
        ObjectNode body = JsonResponses.JSON.createObjectNode();
        ArrayNode entries = body.putArray("entries");
        audit.newest(limit).forEach(entries::add);
        return JsonResponses.ok(response, body);
    }
}
