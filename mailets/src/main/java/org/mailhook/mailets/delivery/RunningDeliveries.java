package org.mailhook.mailets.delivery;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.mailhook.webhook.Endpoint;
import org.mailhook.webhook.EndpointBreaker;
import org.mailhook.webhook.Routes;

/**
 * The WebhookDelivery mailets running in this server, by queue name: their endpoint breaker and their
 * endpoints (configured and minted), for the WebAdmin routes, the endpoint health API to show each
 * endpoint's circuit state and a replay to check the endpoint it names. Each runtime registers itself when it
 * starts and leaves when it closes, beside the queue names it already claims ({@code QUEUES_IN_USE}): the
 * mailet stays the one place its endpoints are configured. (Static like that claim; a Guice singleton, as
 * {@link org.mailhook.mailets.PipelineSteps} now is, would be the cleaner home for both.)
 */
public final class RunningDeliveries {
    /** One running WebhookDelivery mailet. */
    public record Running(EndpointBreaker breaker, Supplier<Routes> routes) {
        public List<String> endpointNames() {
            return routes.get().endpoints().stream().map(Endpoint::name).toList();
        }
    }

    private static final Map<String, Running> BY_QUEUE = new ConcurrentHashMap<>();

    private RunningDeliveries() {
    }

    static void register(String queue, Running running) {
        BY_QUEUE.put(queue, running);
    }

    static void remove(String queue, Running running) {
        BY_QUEUE.remove(queue, running);
    }

    /** The mailet consuming this queue; empty while none runs in this server. */
    public static Optional<Running> of(String queue) {
        return Optional.ofNullable(BY_QUEUE.get(queue));
    }
}
