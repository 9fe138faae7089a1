package org.mailhook.webadmin;

import java.time.Clock;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.webadmin.PublicRoutes;
import org.mailhook.ops.MailhookSettings;
import org.mailhook.webhook.AttachmentLinks;
import org.mailhook.webhook.ServerKey;

import spark.Request;
import spark.Response;
import spark.Service;

/**
 * Signed attachment links ({@link AttachmentLinks}): what a webhook payload's attachment {@code url}
 * points at. Public in James' sense (no admin JWT: the receiver has none); the link's signature is the
 * credential, made with the server key ({@code secrets.keyFile}) over the message id, the part id and
 * the expiry. An expired, altered or foreign link answers 403; the bytes are served exactly as the
 * admin route serves them ({@link SafeDownload}: always a download, {@code nosniff}, sandboxed).
 *
 * <pre>
 * GET /mailhook/links/{id}/attachments/{partId}?expires=&lt;unix seconds&gt;&amp;signature=&lt;…&gt;
 * </pre>
 */
public class AttachmentLinkRoutes implements PublicRoutes {
    private final MessagesRoutes messages;
    private final Optional<ServerKey> key;
    private final Clock clock;

    @Inject
    public AttachmentLinkRoutes(MailRepositoryStore repositories, MailhookSettings settings) throws Exception {
        this(repositories, settings, Clock.systemUTC());
    }

    AttachmentLinkRoutes(MailRepositoryStore repositories, MailhookSettings settings, Clock clock) throws Exception {
        this.messages = new MessagesRoutes(repositories, settings, clock);
        this.key = settings.serverKey();
        this.clock = clock;
    }

    @Override
    public String getBasePath() {
        return AttachmentLinks.PATH;
    }

    @Override
    public void define(Service service) {
        service.get(AttachmentLinks.PATH + "/:id/attachments/:partId", this::download);
    }

    private Object download(Request request, Response response) throws Exception {
        if (key.isEmpty()) {
            return JsonResponses.error(response, 403, "attachment links are off: no server key (mailhook.properties secrets.keyFile)");
        }
        AttachmentLinks.Check check = AttachmentLinks.check(key.get(), clock, request.params("id"), request.params("partId"),
            request.queryParams("expires"), request.queryParams("signature"));
        return switch (check) {
            case VALID -> messages.attachmentOf(request, response, MessagesRoutes.EVERY_MAIL);
            case EXPIRED -> JsonResponses.error(response, 403, "this attachment link has expired");
            case INVALID -> JsonResponses.error(response, 403, "this attachment link is not valid");
        };
    }
}
