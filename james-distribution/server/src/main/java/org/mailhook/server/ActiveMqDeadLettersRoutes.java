package org.mailhook.server;

import javax.inject.Inject;

import org.apache.james.webadmin.Routes;

import spark.Request;
import spark.Response;
import spark.Service;

/**
 * Admin route over ActiveMQ's own dead-letter queue ({@link ActiveMqDeadLettersHealthCheck} counts
 * it): {@code GET} shows how many spool entries the broker gave up on, {@code POST …/redeliver} moves
 * them back to the queue they came from, where James processes them again. Bound by
 * {@link DurableQueuesModule} (not listed in webadmin.properties): with the RabbitMQ queue there is no
 * such queue and no route. An admin route: with JWT on it needs an admin token like every other.
 *
 * <pre>
 * GET  /mailhook/activemq-dlq             {"entries": N}
 * POST /mailhook/activemq-dlq/redeliver   {"moved": N}
 * </pre>
 */
public class ActiveMqDeadLettersRoutes implements Routes {
    public static final String BASE = "/mailhook/activemq-dlq";

    private final VmOnlyBroker broker;

    /** The Host/Origin guard is already in front of it: GuardEveryRoute, first in extensions.routes. */
    @Inject
    ActiveMqDeadLettersRoutes(VmOnlyBroker broker) {
        this.broker = broker;
    }

    @Override
    public String getBasePath() {
        return BASE;
    }

    @Override
    public void define(Service service) {
        service.get(BASE, this::count);
        service.post(BASE + "/redeliver", this::redeliver);
    }

    private Object count(Request request, Response response) throws Exception {
        response.type("application/json");
        return "{\"entries\":" + broker.deadLetterCount() + "}";
    }

    private Object redeliver(Request request, Response response) throws Exception {
        response.type("application/json");
        return "{\"moved\":" + broker.redeliverDeadLetters() + "}";
    }
}
