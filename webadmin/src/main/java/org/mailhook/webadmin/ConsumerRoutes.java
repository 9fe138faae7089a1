package org.mailhook.webadmin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import javax.inject.Inject;

import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.webadmin.PublicRoutes;
import org.apache.mailet.Mail;
import org.mailhook.mailets.MailAttributes;
import org.mailhook.ops.MailhookSettings;
import org.mailhook.ops.WebhookQueueAccess;
import org.mailhook.webhook.DeliverySelection;

import spark.Request;
import spark.Response;
import spark.Service;

/**
 * The pull API for one consumer: read-only, scoped to the mail routed to one endpoint, with a token of
 * its own ({@code consumer.tokensFile} in mailhook.properties lists each endpoint's tokens as SHA-256)
 * instead of admin credentials. A token reads what was routed to its endpoint (a delivery of that
 * endpoint is queued, parked, dead or delivered for it); other mail answers 404 as if it did not exist.
 * The token opens nothing else: it is not a WebAdmin JWT, so with JWT on every admin route answers 401
 * to it. Public in James' sense (its own authentication), behind GuardEveryRoute's Host/Origin check.
 *
 * <pre>
 * GET /mailhook/consumer/messages?after=&lt;cursor&gt;&amp;limit=N        Authorization: Bearer &lt;token&gt;
 * GET /mailhook/consumer/messages/{id}   · /raw   · /attachments/{partId}
 * </pre>
 */
public class ConsumerRoutes implements PublicRoutes {
    public static final String BASE = "/mailhook/consumer/messages";

    private final MessagesRoutes messages;
    private final WebhookQueueAccess access;
    private final List<MailhookSettings.ConsumerToken> tokens;

    @Inject
    public ConsumerRoutes(MailQueueFactory<? extends ManageableMailQueue> queues, MailRepositoryStore repositories,
                          MailhookSettings settings) throws Exception {
        this.messages = new MessagesRoutes(repositories, settings, java.time.Clock.systemUTC());
        this.access = new WebhookQueueAccess(queues, repositories, settings);
        this.tokens = settings.consumerTokens();
    }

    @Override
    public String getBasePath() {
        return BASE;
    }

    @Override
    public void define(Service service) {
        service.get(BASE, (request, response) -> scoped(request, response, messages::pageOf));
        service.get(BASE + "/:id", (request, response) -> scoped(request, response, messages::messageOf));
        service.get(BASE + "/:id/raw", (request, response) -> scoped(request, response, messages::rawOf));
        service.get(BASE + "/:id/attachments/:partId", (request, response) -> scoped(request, response, messages::attachmentOf));
    }

    /** A read of the pull API limited to what {@code visible} lets through. */
    interface ScopedRead {
        Object read(Request request, Response response, Predicate<Mail> visible) throws Exception;
    }

    private Object scoped(Request request, Response response, ScopedRead read) throws Exception {
        Optional<String> endpoint = endpointOf(request.headers("Authorization"));
        if (endpoint.isEmpty()) {
            response.header("WWW-Authenticate", "Bearer");
            return JsonResponses.error(response, 401, "a consumer token is required: Authorization: Bearer <token>");
        }
        Set<String> ids = mailhookIdsRoutedTo(endpoint.get());
        return read.read(request, response, mail -> MailAttributes.string(mail, MailAttributes.ID).filter(ids::contains).isPresent());
    }

    /** The endpoint whose token this is; every configured token is compared (constant time each). */
    private Optional<String> endpointOf(String authorization) throws Exception {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        byte[] presented = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
            .digest(authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8))).getBytes(StandardCharsets.US_ASCII);
        Optional<String> match = Optional.empty();
        for (MailhookSettings.ConsumerToken token : tokens) {
            if (MessageDigest.isEqual(token.sha256Hex().getBytes(StandardCharsets.US_ASCII), presented)) {
                match = Optional.of(token.endpoint());
            }
        }
        return match;
    }

    /** Mailhook ids with a delivery for {@code endpoint}: queued, parked, dead or delivered. */
    private Set<String> mailhookIdsRoutedTo(String endpoint) throws Exception {
        Set<String> ids = new HashSet<>();
        access.queued().ifPresent(queued -> queued.forEach(item -> add(ids, item.view(), endpoint)));
        access.parked().forEach(item -> add(ids, item.view(), endpoint));
        access.dead().forEach(item -> add(ids, item.view(), endpoint));
        if (access.delivered().isPresent()) {
            DeliverySelection selection = new DeliverySelection(Optional.of(endpoint), Optional.empty(), Optional.empty());
            access.delivered().get().select(selection, Integer.MAX_VALUE).records()
                .forEach(record -> record.mailhookId().ifPresent(ids::add));
        }
        return ids;
    }

    private static void add(Set<String> ids, org.mailhook.mailets.delivery.DeliveryState.View view, String endpoint) {
        if (view.endpoint().filter(endpoint::equals).isPresent()) {
            view.mailhookId().ifPresent(ids::add);
        }
    }
}
