package org.mailhook.webadmin;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.webadmin.Routes;
import org.mailhook.mailets.delivery.InstantAddressStore;
import org.mailhook.ops.MailhookSettings;
import org.mailhook.ops.WebhookQueueAccess;
import org.mailhook.webhook.InstantAddress;
import org.mailhook.webhook.SsrfGuard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import okhttp3.Dns;
import spark.Request;
import spark.Response;
import spark.Service;

/**
 * Instant addresses: mint a random address routed to a webhook URL, list, revoke. WebhookDelivery
 * routes them when its {@code instantAddresses} parameter names the same repository. Secrets are
 * stored sealed with the server key ({@code secrets.keyFile}; without it a secret is refused) and
 * never returned. A URL the address policy refuses (an internal address in any notation,
 * unless {@code webhook.allowLoopback} etc. in mailhook.properties open its range) answers 400.
 *
 * <pre>
 * POST   /mailhook/addresses   {"url": "https://…", "secret": "whsec_…" (optional)}  → 201 {"address", "url", "createdAt", "hasSecret"}
 * GET    /mailhook/addresses
 * DELETE /mailhook/addresses/{address}
 * </pre>
 */
public class AddressesRoutes implements Routes {
    public static final String BASE = "/mailhook/addresses";

    private final java.util.function.Supplier<InstantAddressStore> store;
    private final Optional<String> domain;
    private final SsrfGuard ssrfGuard;
    private final SecureRandom random = new SecureRandom();

    @Inject
    public AddressesRoutes(MailRepositoryStore repositories, MailhookSettings settings) throws Exception {
        java.util.function.Supplier<org.apache.james.mailrepository.api.MailRepository> repository =
            WebhookQueueAccess.repository(repositories, settings.addressesRepository());
        this.store = () -> new InstantAddressStore(repository.get(), settings.serverKey());
        this.domain = settings.addressesDomain();
        // The policy WebhookDelivery applies (mailhook.properties webhook.allow*): a URL it would refuse is never minted.
        this.ssrfGuard = new SsrfGuard(settings.addressesPolicy(), Dns.SYSTEM);
    }

    @Override
    public String getBasePath() {
        return BASE;
    }

    @Override
    public void define(Service service) {
        service.post(BASE, this::mint);
        service.get(BASE, this::list);
        service.delete(BASE + "/:address", this::revoke);
    }

    private Object mint(Request request, Response response) throws Exception {
        if (domain.isEmpty()) {
            return JsonResponses.error(response, 409, "no domain for instant addresses: set addresses.domain in mailhook.properties");
        }
        JsonNode body;
        try {
            body = JsonResponses.JSON.readTree(request.body());
        } catch (Exception e) {
            return JsonResponses.error(response, 400, "body must be JSON like {\"url\": \"https://…\", \"secret\": \"whsec_…\"}");
        }
        if (body == null || !body.path("url").isTextual()) {
            return JsonResponses.error(response, 400, "url is required");
        }
        Optional<String> secret = body.path("secret").isTextual() ? Optional.of(body.path("secret").asText()) : Optional.empty();
        InstantAddress address;
        try {
            address = store.get().mint(domain.get(), body.path("url").asText(), secret, ssrfGuard, random, System.currentTimeMillis());
        } catch (IllegalArgumentException e) {
            // the engines' messages name the field and never show the secret
            return JsonResponses.error(response, 400, e.getMessage());
        }
        return JsonResponses.status(response, 201, describe(JsonResponses.JSON.createObjectNode(), address));
    }

    private Object list(Request request, Response response) throws Exception {
        ObjectNode body = JsonResponses.JSON.createObjectNode();
        ArrayNode addresses = body.putArray("addresses");
        for (InstantAddress address : store.get().list()) {
            describe(addresses.addObject(), address);
        }
        return JsonResponses.ok(response, body);
    }

    private Object revoke(Request request, Response response) throws Exception {
        if (!store.get().revoke(request.params("address"))) {
            return JsonResponses.error(response, 404, "no instant address " + request.params("address"));
        }
        response.status(204);
        return "";
    }

    /** The URL without credentials or query, which may carry tokens. */
    private static String shown(String url) {
        okhttp3.HttpUrl parsed = okhttp3.HttpUrl.parse(url);
        if (parsed == null) {
            return "***";
        }
        String bare = parsed.newBuilder().username("").password("").query(null).build().toString();
        return parsed.query() == null ? bare : bare + "?***";
    }

    private static ObjectNode describe(ObjectNode node, InstantAddress address) {
        return node.put("address", address.address())
            .put("url", shown(address.url()))
            .put("createdAt", Instant.ofEpochMilli(address.createdAtMillis()).toString())
            .put("hasSecret", address.secret().isPresent());
    }
}
