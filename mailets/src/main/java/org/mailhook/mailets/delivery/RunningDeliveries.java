package org.mailhook.mailets.delivery;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.mailhook.webhook.Endpoint;
import org.mailhook.webhook.EndpointBreaker;
import org.mailhook.webhook.Routes;

/**
 * The WebhookDelivery mailets running in this server, by queue name: their endpoint breaker and their
 * endpoints (configured and minted), for the WebAdmin routes, the endpoint health API to show each
 * endpoint's circuit state and a replay to check the endpoint it names. Each runtime registers itself when it
 * starts and leaves when it closes: the mailet stays the one place its endpoints are configured. One per
 * server (a Guice singleton, as {@link org.mailhook.mailets.PipelineSteps} is), shared by the mailets and
 * the routes that Guice makes.
 */
@Singleton
public final class RunningDeliveries {
    /** One running WebhookDelivery mailet. */
    public record Running(EndpointBreaker breaker, Supplier<Routes> routes) {
        public List<String> endpointNames() {
            return routes.get().endpoints().stream().map(Endpoint::name).toList();
        }
    }

    private final Map<String, Running> byQueue = new ConcurrentHashMap<>();

    @Inject
    public RunningDeliveries() {
    }

    void register(String queue, Running running) {
        byQueue.put(queue, running);
    }

    void remove(String queue, Running running) {
        byQueue.remove(queue, running);
    }

    /** The mailet consuming this queue; empty while none runs in this server. */
    public Optional<Running> of(String queue) {
        return Optional.ofNullable(byQueue.get(queue));
    }
}
