package org.mailhook.webadmin;

import java.io.FileNotFoundException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.commons.configuration2.Configuration;
import org.apache.james.utils.PropertiesProvider;
import org.mailhook.ops.MailhookSettings;

import spark.Filter;
import spark.HaltException;
import spark.Request;
import spark.Response;
import spark.Spark;

/**
 * Who may send a request to Mailhook's routes, judged by its headers before any route runs (a Spark
 * {@code before} filter on each route's base path):
 *
 * <ul>
 * <li><b>Host</b>, on every method: the name must be loopback ({@code localhost}, a loopback literal),
 * the configured {@code host} of webadmin.properties, the address the connection reached, or listed
 * in mailhook.properties {@code webadmin.allowedHosts}; the port must be the one the connection
 * reached (an entry {@code name:port} allows exactly that). A page on a name that re-binds to
 * 127.0.0.1 (DNS rebinding) sends its own name and is refused, so it can neither read nor change.</li>
 * <li><b>Origin</b>, on POST, PUT, PATCH and DELETE: when present it must be WebAdmin's own (the same
 * authority as the Host header) or webadmin.properties' {@code cors.origin}. A page elsewhere can still
 * send a simple cross-origin POST that CORS does not stop; this refuses it. Clients that send no Origin
 * (curl, scripts, the CLI) are unaffected.</li>
 * </ul>
 *
 * Every answer of these routes also carries {@code X-Content-Type-Options: nosniff}. Refusals are
 * {@code 403} with a JSON reason.
 */
final class RequestGuard implements Filter {
    private static final Set<String> STATE_CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final Set<String> names;
    private final Set<String> hostsWithPort;
    private final Optional<String> corsOrigin;

    RequestGuard(Set<String> names, Set<String> hostsWithPort, Optional<String> corsOrigin) {
        this.names = names;
        this.hostsWithPort = hostsWithPort;
        this.corsOrigin = corsOrigin;
    }

    /** From webadmin.properties ({@code host}, {@code cors.origin}) and mailhook.properties ({@code webadmin.allowedHosts}). */
    static RequestGuard load(PropertiesProvider properties, MailhookSettings settings) throws Exception {
        Set<String> names = new HashSet<>();
        Set<String> withPort = new HashSet<>();
        Optional<String> corsOrigin = Optional.empty();
        Optional<Configuration> webadmin = webadminProperties(properties);
        if (webadmin.isPresent()) {
            Optional.ofNullable(webadmin.get().getString("host", null)).map(String::trim).filter(h -> !h.isEmpty())
                .map(RequestGuard::bare).filter(h -> !isWildcard(h)).ifPresent(names::add);
            corsOrigin = Optional.ofNullable(webadmin.get().getString("cors.origin", null)).map(String::trim)
                .filter(o -> !o.isEmpty() && !o.equals("*")).map(o -> o.toLowerCase(Locale.ROOT));
        }
        for (String entry : settings.allowedHosts()) {
            HostPort parsed = HostPort.parse(entry.toLowerCase(Locale.ROOT));
            if (parsed == null) {
                throw settings.invalid("webadmin.allowedHosts", entry, "a host name or name:port");
            }
            if (parsed.port() < 0) {
                names.add(parsed.name());
            } else {
                withPort.add(parsed.name() + ":" + parsed.port());
            }
        }
        return new RequestGuard(Set.copyOf(names), Set.copyOf(withPort), corsOrigin);
    }

    @Override
    public void handle(Request request, Response response) {
        response.header("X-Content-Type-Options", "nosniff");
        String host = request.headers("Host");
        if (!hostAllowed(host, request.raw().getLocalPort(), request.raw().getLocalAddr(), request.scheme())) {
            throw refuse("Host " + (host == null ? "(none)" : "'" + host + "'") + " is not this WebAdmin's: use 127.0.0.1:PORT,"
                + " the configured host, or list the name in mailhook.properties webadmin.allowedHosts");
        }
        String origin = request.headers("Origin");
        if (origin != null && STATE_CHANGING.contains(request.requestMethod().toUpperCase(Locale.ROOT)) && !originAllowed(origin, host)) {
            throw refuse("Origin '" + origin + "' may not change state here: only WebAdmin's own origin or cors.origin");
        }
    }

    boolean hostAllowed(String hostHeader, int localPort, String localAddress, String scheme) {
        if (hostHeader == null) {
            return false;
        }
        HostPort host = HostPort.parse(hostHeader.trim().toLowerCase(Locale.ROOT));
        if (host == null) {
            return false;
        }
        int port = host.port() >= 0 ? host.port() : ("https".equalsIgnoreCase(scheme) ? 443 : 80);
        if (hostsWithPort.contains(host.name() + ":" + port)) {
            return true;
        }
        if (port != localPort) {
            return false;
        }
        return isLoopback(host.name()) || names.contains(host.name())
            || (localAddress != null && sameLiteral(host.name(), bare(localAddress)));
    }

    boolean originAllowed(String origin, String hostHeader) {
        String normalized = origin.trim().toLowerCase(Locale.ROOT);
        if (corsOrigin.isPresent() && corsOrigin.get().equals(normalized)) {
            return true;
        }
        try {
            URI uri = new URI(normalized);
            String authority = uri.getRawAuthority();
            return uri.getScheme() != null && authority != null && hostHeader != null
                && authority.equals(hostHeader.trim().toLowerCase(Locale.ROOT))
                && (uri.getRawPath() == null || uri.getRawPath().isEmpty());
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static HaltException refuse(String reason) {
        return Spark.halt(403, JsonResponses.JSON.createObjectNode().put("statusCode", 403).put("message", reason).toString());
    }

    private static Optional<Configuration> webadminProperties(PropertiesProvider properties) throws Exception {
        try {
            return Optional.of(properties.getConfiguration("webadmin"));
        } catch (FileNotFoundException e) {
            return Optional.empty();
        }
    }

    static boolean isLoopback(String name) {
        if (name.equals("localhost")) {
            return true;
        }
        return isLiteral(name) && literal(name).map(InetAddress::isLoopbackAddress).orElse(false);
    }

    private static boolean sameLiteral(String a, String b) {
        if (!isLiteral(a) || !isLiteral(b)) {
            return false;
        }
        Optional<InetAddress> left = literal(a);
        return left.isPresent() && left.equals(literal(b));
    }

    private static boolean isLiteral(String name) {
        return IPV4.matcher(name).matches() || name.contains(":");
    }

    /** An IP literal as an address, never a DNS lookup (callers check {@link #isLiteral} first). */
    private static Optional<InetAddress> literal(String name) {
        try {
            return Optional.of(InetAddress.getByName(name));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
    }

    private static String bare(String host) {
        String lower = host.trim().toLowerCase(Locale.ROOT);
        return lower.startsWith("[") && lower.endsWith("]") ? lower.substring(1, lower.length() - 1) : lower;
    }

    /** A Host header or allowed-hosts entry: name (IPv6 without brackets) and port, -1 when absent. */
    record HostPort(String name, int port) {
        private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");

        static HostPort parse(String value) {
            String name;
            String port = null;
            if (value.startsWith("[")) {
                int end = value.indexOf(']');
                if (end < 0) {
                    return null;
                }
                name = value.substring(1, end);
                String rest = value.substring(end + 1);
                if (!rest.isEmpty()) {
                    if (!rest.startsWith(":")) {
                        return null;
                    }
                    port = rest.substring(1);
                }
                if (!name.contains(":") || literal(name).isEmpty()) {
                    return null;
                }
            } else {
                int colon = value.indexOf(':');
                if (colon >= 0) {
                    if (value.indexOf(':', colon + 1) >= 0) {
                        return null;
                    }
                    port = value.substring(colon + 1);
                    name = value.substring(0, colon);
                } else {
                    name = value;
                }
                if (!NAME.matcher(name).matches()) {
                    return null;
                }
            }
            if (port == null) {
                return new HostPort(name, -1);
            }
            if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
                return null;
            }
            return new HostPort(name, Integer.parseInt(port));
        }
    }

    @Override
    public String toString() {
        return "RequestGuard" + Arrays.asList(names, hostsWithPort, corsOrigin);
    }
}
