package org.mailhook.webadmin.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

import org.apache.james.webadmin.Routes;

import spark.Request;
import spark.Response;
import spark.Service;

/**
 * Serves the console's files from the jar: no CDN, nothing fetched from elsewhere. A WebAdmin route
 * like the APIs, so James' JWT filter (when {@code jwt.enabled=true}) answers 401 without a token and
 * {@code GuardEveryRoute} checks Host and Origin. The answers forbid framing and, through their
 * Content-Security-Policy, any script, style, image or connection that is not WebAdmin's own; the
 * sandboxed frame that shows a mail's HTML inherits that policy, so a mail cannot load remote content.
 *
 * <pre>
 * GET /mailhook/console/            the page
 * GET /mailhook/console/{file}      console.js, console.css
 * </pre>
 */
public class ConsoleRoutes implements Routes {
    public static final String BASE = "/mailhook/console";
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
        + " connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final String RESOURCES = "/org/mailhook/webadmin/console/";
    /** Every file the console has; anything else is 404 (no path from the request reaches the class path). */
    private static final Map<String, String> FILES = Map.of(
        "index.html", "text/html; charset=utf-8",
        "console.js", "text/javascript; charset=utf-8",
        "console.css", "text/css; charset=utf-8");

    @Override
    public String getBasePath() {
        return BASE;
    }

    @Override
    public void define(Service service) {
        service.get(BASE, (request, response) -> {
            response.redirect(BASE + "/");
            return "";
        });
        service.get(BASE + "/", (request, response) -> serve(response, "index.html"));
        service.get(BASE + "/:file", this::file);
    }

    private Object file(Request request, Response response) {
        String name = request.params("file");
        if (!FILES.containsKey(name)) {
            response.status(404);
            response.type("text/plain");
            return "no such console file";
        }
        return serve(response, name);
    }

    private static Object serve(Response response, String name) {
        response.status(200);
        response.type(FILES.get(name));
        response.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.header("X-Content-Type-Options", "nosniff");
        response.header("X-Frame-Options", "DENY");
        response.header("Referrer-Policy", "no-referrer");
        response.header("Cache-Control", "no-store");
        return read(name);
    }

    private static byte[] read(String name) {
        try (InputStream in = ConsoleRoutes.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("console file " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
