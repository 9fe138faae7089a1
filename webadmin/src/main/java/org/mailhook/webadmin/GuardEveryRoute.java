package org.mailhook.webadmin;

import javax.inject.Inject;

import org.apache.james.utils.PropertiesProvider;
import org.apache.james.webadmin.PublicRoutes;
import org.mailhook.ops.MailhookSettings;

import spark.Service;

/**
 * The {@link RequestGuard} (Host on every request, Origin on state-changing ones) in front of every
 * WebAdmin route, James' own included: {@code /mailRepositories} shows stored mail and its attributes,
 * {@code /users} and {@code /domains} change the server, and none of them checks Host or Origin. A
 * {@code before} filter without a path runs for every request. Listed in webadmin.properties
 * {@code extensions.routes}; it answers no path of its own. It is a {@link PublicRoutes} because James
 * puts its JWT filter on every other route's base path and "/" would put it on every path, public
 * ones ({@code /healthcheck}, {@code /metrics}) included; the routes keep their own authentication.
 * It is the only Host/Origin check: Mailhook's own routes rely on it rather than each installing a
 * second copy, so an operator who lists Mailhook routes lists this one with them.
 */
public class GuardEveryRoute implements PublicRoutes {
    private final RequestGuard guard;

    @Inject
    public GuardEveryRoute(MailhookSettings settings, PropertiesProvider properties) throws Exception {
        this(RequestGuard.load(properties, settings));
    }

    GuardEveryRoute(RequestGuard guard) {
        this.guard = guard;
    }

    @Override
    public String getBasePath() {
        return "/";
    }

    @Override
    public void define(Service service) {
        service.before(guard);
    }
}
