package org.mailhook.webhook;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.mailhook.config.Durations;
import org.mailhook.config.ParameterValues;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Which endpoints get which mail, by recipient. A route's recipient pattern is one of, from most to least
 * specific: an exact address {@code orders@shop.example}; a sub-address {@code orders+{tag}@shop.example}
 * (matches {@code orders+anything@shop.example}, exposing {@code anything} as the tag, and plain
 * {@code orders@shop.example} without a tag); a domain catch-all {@code *@shop.example}; the wildcard
 * {@code *}. Each recipient goes to the endpoints of the most specific patterns that match it (several routes
 * with that pattern fan out); addresses compare case-insensitively. A mail is delivered once per endpoint
 * with the recipients that endpoint matched.
 */
public final class Routes {
    /** The process environment, for {@code ${env:NAME}} in secrets and URLs. */
    public static final Function<String, Optional<String>> SYSTEM_ENV = name -> Optional.ofNullable(System.getenv(name));

    private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Pattern SUBADDRESS = Pattern.compile("([^@+*{}]+)\\+\\{tag}@([^@*{}]+)");
    private static final Pattern EXACT = Pattern.compile("[^@*{}]+@[^@*{}]+");
    private static final Pattern DOMAIN = Pattern.compile("\\*@([^@*{}]+)");
    private static final Set<String> ENDPOINT_KEYS = Set.of("url", "secrets", "signingKey", "connectTimeout",
        "readTimeout", "callTimeout", "maxConcurrent");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A recipient as an endpoint receives it, with its sub-address tag when the route had {@code {tag}}. */
    public record RoutedRecipient(String address, Optional<String> tag) {
    }

    /** One delivery: an endpoint and the recipients of the mail it matched. */
    public record Delivery(Endpoint endpoint, List<RoutedRecipient> recipients) {
    }

    /**
     * @param deliveries one per endpoint, in the order the endpoints were first matched
     * @param unrouted the recipients no route matched
     */
    public record Resolution(List<Delivery> deliveries, List<String> unrouted) {
    }

    private enum Kind { EXACT, SUBADDRESS, DOMAIN, WILDCARD }

    private record Route(Kind kind, String local, String domain, String pattern, List<Endpoint> endpoints) {
        /** The tag when this route matches the address (empty string: matched without a tag), else null. */
        String match(String local, String domain) {
            return switch (kind) {
                case WILDCARD -> "";
                case DOMAIN -> domain.equals(this.domain) ? "" : null;
                case EXACT -> domain.equals(this.domain) && local.equals(this.local) ? "" : null;
                case SUBADDRESS -> {
                    if (!domain.equals(this.domain)) {
                        yield null;
                    }
                    if (local.equals(this.local)) {
                        yield "";
                    }
                    yield local.startsWith(this.local + "+") ? local.substring(this.local.length() + 1) : null;
                }
            };
        }
    }

    private final List<Endpoint> endpoints;
    private final List<Route> routes;

    private Routes(List<Endpoint> endpoints, List<Route> routes) {
        this.endpoints = List.copyOf(endpoints);
        this.routes = List.copyOf(routes);
    }

    /**
     * The simple case, from mailet parameters: one endpoint from {@code url}, {@code secret} (one or more
     * {@code whsec_} secrets separated by commas or spaces, newest first), optional {@code signingKey},
     * {@code connectTimeout}, {@code readTimeout}, {@code callTimeout}, {@code maxConcurrent},
     * {@code name} (the endpoint's name, default {@code default}), for the recipients in {@code recipients}
     * (comma-separated patterns, default {@code *}).
     *
     * @param parameter a parameter's value, or null when it is not set
     * @throws IllegalArgumentException naming the parameter that is wrong (never showing a secret)
     */
    public static Routes fromParameters(Function<String, String> given, Function<String, Optional<String>> env) {
        ParameterValues values = ParameterValues.of(given);
        Function<String, String> parameter = name -> values.text(name).orElse(null);
        String name = Optional.ofNullable(parameter.apply("name")).orElse("default").trim();
        String url = parameter.apply("url");
        if (url == null) {
            throw new IllegalArgumentException("url: required");
        }
        Endpoint.Builder builder = builder("name", name, "url", expand(url, "url", env));
        String secrets = parameter.apply("secret");
        if (secrets != null) {
            for (String secret : expand(secrets, "secret", env).trim().split("[,\\s]+")) {
                addSecret(builder, secret, "secret");
            }
        }
        Function<String, Optional<String>> optional = key -> Optional.ofNullable(parameter.apply(key));
        configure(builder, optional, "", env);
        Endpoint endpoint = build(builder, "secret");
        String recipients = Optional.ofNullable(parameter.apply("recipients")).orElse("*");
        List<Route> routes = new ArrayList<>();
        for (String pattern : recipients.split(",")) {
            routes.add(route(pattern.trim(), List.of(endpoint), "recipients"));
        }
        return new Routes(List.of(endpoint), routes);
    }

    /**
     * A routes file (format in docs/webhooks.md):
     * <pre>{@code
     * {"endpoints": {"orders": {"url": "https://...", "secrets": ["${env:ORDERS_SECRET}"], "readTimeout": "15s"}},
     *  "routes": [{"recipient": "orders+{tag}@shop.example", "endpoints": ["orders"]}]}
     * }</pre>
     *
     * @throws IllegalArgumentException naming the key that is wrong, like {@code endpoints.orders.url}
     */
    public static Routes parseJson(String json, Function<String, Optional<String>> env) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage()
                + " at line " + e.getLocation().getLineNr());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("(top level): must be an object with 'endpoints' and 'routes'");
        }
        unknownKeys(root, Set.of("endpoints", "routes"), "");
        JsonNode endpointsNode = root.path("endpoints");
        if (!endpointsNode.isObject() || endpointsNode.isEmpty()) {
            throw new IllegalArgumentException("endpoints: must be an object with at least one endpoint");
        }
        Map<String, Endpoint> byName = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = endpointsNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            byName.put(entry.getKey(), endpoint(entry.getKey(), entry.getValue(), env));
        }
        JsonNode routesNode = root.path("routes");
        if (!routesNode.isArray() || routesNode.isEmpty()) {
            throw new IllegalArgumentException("routes: must be a list with at least one route");
        }
        List<Route> routes = new ArrayList<>();
        for (int i = 0; i < routesNode.size(); i++) {
            String key = "routes[" + i + "]";
            JsonNode node = routesNode.get(i);
            unknownKeys(node, Set.of("recipient", "endpoints"), key + ".");
            String pattern = text(node, "recipient", key + ".recipient");
            JsonNode names = node.path("endpoints");
            if (!names.isArray() || names.isEmpty()) {
                throw new IllegalArgumentException(key + ".endpoints: must be a list of endpoint names");
            }
            List<Endpoint> targets = new ArrayList<>();
            for (int j = 0; j < names.size(); j++) {
                Endpoint endpoint = byName.get(names.get(j).asText());
                if (endpoint == null) {
                    throw new IllegalArgumentException(key + ".endpoints[" + j + "]: no endpoint named '" + names.get(j).asText() + "'");
                }
                targets.add(endpoint);
            }
            routes.add(route(pattern, targets, key + ".recipient"));
        }
        return new Routes(new ArrayList<>(byName.values()), routes);
    }

    /**
     * These routes plus one exact-address route per entry (instant addresses minted at run time).
     * An exact address is the most specific pattern, so it wins over the configured wildcards.
     */
    public Routes withAddresses(Map<String, Endpoint> endpointsByAddress) {
        if (endpointsByAddress.isEmpty()) {
            return this;
        }
        List<Endpoint> allEndpoints = new ArrayList<>(endpoints);
        List<Route> allRoutes = new ArrayList<>();
        endpointsByAddress.forEach((address, endpoint) -> {
            allEndpoints.add(endpoint);
            allRoutes.add(route(address, List.of(endpoint), "address"));
        });
        allRoutes.addAll(routes);
        return new Routes(allEndpoints, allRoutes);
    }

    public List<Endpoint> endpoints() {
        return endpoints;
    }

    public Optional<Endpoint> endpoint(String name) {
        return endpoints.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /** Which endpoints get a mail with these recipients, each endpoint once. */
    public Resolution resolve(Collection<String> recipients) {
        Map<Endpoint, List<RoutedRecipient>> byEndpoint = new LinkedHashMap<>();
        List<String> unrouted = new ArrayList<>();
        for (String recipient : recipients) {
            int at = recipient.lastIndexOf('@');
            String local = at < 0 ? recipient.toLowerCase(Locale.ROOT) : recipient.substring(0, at).toLowerCase(Locale.ROOT);
            String domain = at < 0 ? "" : recipient.substring(at + 1).toLowerCase(Locale.ROOT);
            Kind best = null;
            for (Route route : routes) {
                if ((best == null || route.kind().compareTo(best) < 0) && route.match(local, domain) != null) {
                    best = route.kind();
                }
            }
            if (best == null) {
                unrouted.add(recipient);
                continue;
            }
            for (Route route : routes) {
                String tag = route.kind() == best ? route.match(local, domain) : null;
                if (tag == null) {
                    continue;
                }
                // The tag is cut from the original address so its case is kept.
                Optional<String> keptTag = tag.isEmpty() ? Optional.empty()
                    : Optional.of(recipient.substring(at - tag.length(), at));
                for (Endpoint endpoint : route.endpoints()) {
                    List<RoutedRecipient> list = byEndpoint.computeIfAbsent(endpoint, e -> new ArrayList<>());
                    if (list.stream().noneMatch(r -> r.address().equals(recipient))) {
                        list.add(new RoutedRecipient(recipient, keptTag));
                    }
                }
            }
        }
        List<Delivery> deliveries = new ArrayList<>();
        byEndpoint.forEach((endpoint, list) -> deliveries.add(new Delivery(endpoint, List.copyOf(list))));
        return new Resolution(List.copyOf(deliveries), List.copyOf(unrouted));
    }

    private static Route route(String pattern, List<Endpoint> endpoints, String key) {
        String lower = pattern.toLowerCase(Locale.ROOT);
        if (lower.equals("*")) {
            return new Route(Kind.WILDCARD, "", "", pattern, endpoints);
        }
        Matcher m = DOMAIN.matcher(lower);
        if (m.matches()) {
            return new Route(Kind.DOMAIN, "", m.group(1), pattern, endpoints);
        }
        m = SUBADDRESS.matcher(lower);
        if (m.matches()) {
            return new Route(Kind.SUBADDRESS, m.group(1), m.group(2), pattern, endpoints);
        }
        if (EXACT.matcher(lower).matches()) {
            int at = lower.lastIndexOf('@');
            return new Route(Kind.EXACT, lower.substring(0, at), lower.substring(at + 1), pattern, endpoints);
        }
        throw new IllegalArgumentException(key + ": '" + pattern
            + "' is not a recipient pattern (user@domain, user+{tag}@domain, *@domain or *)");
    }

    private static Endpoint endpoint(String name, JsonNode node, Function<String, Optional<String>> env) {
        String key = "endpoints." + name;
        if (!node.isObject()) {
            throw new IllegalArgumentException(key + ": must be an object");
        }
        unknownKeys(node, ENDPOINT_KEYS, key + ".");
        Endpoint.Builder builder = builder(key, name, key + ".url", expand(text(node, "url", key + ".url"), key + ".url", env));
        JsonNode secrets = node.path("secrets");
        if (!secrets.isMissingNode()) {
            if (!secrets.isArray()) {
                throw new IllegalArgumentException(key + ".secrets: must be a list of whsec_ secrets");
            }
            for (int i = 0; i < secrets.size(); i++) {
                String secretKey = key + ".secrets[" + i + "]";
                addSecret(builder, expand(secrets.get(i).asText(), secretKey, env), secretKey);
            }
        }
        configure(builder, field -> node.hasNonNull(field) ? Optional.of(node.get(field).asText()) : Optional.empty(),
            key + ".", env);
        return build(builder, key + ".secrets");
    }

    /** The settings the two forms share; {@code prefix} makes the key in error messages. */
    private static void configure(Endpoint.Builder builder, Function<String, Optional<String>> field, String prefix,
                                  Function<String, Optional<String>> env) {
        for (String key : List.of("signingKey", "connectTimeout", "readTimeout", "callTimeout", "maxConcurrent")) {
            Optional<String> value = field.apply(key);
            if (value.isEmpty()) {
                continue;
            }
            String text = value.get();
            try {
                switch (key) {
                    case "signingKey" -> builder.signingKey(WebhookSigningKey.parse(expand(text, key, env)));
                    case "connectTimeout" -> builder.connectTimeout(Durations.parse(text, key));
                    case "readTimeout" -> builder.readTimeout(Durations.parse(text, key));
                    case "callTimeout" -> builder.callTimeout(Durations.parse(text, key));
                    default -> builder.maxConcurrent(ParameterValues.of(k -> text).wholeNumber(key, 1, 1, Integer.MAX_VALUE));
                }
            } catch (IllegalArgumentException e) {
                String message = e.getMessage().startsWith(key + ":")
                    ? e.getMessage().substring(key.length() + 1).trim() : e.getMessage();
                throw new IllegalArgumentException(prefix + key + ": " + message, e);
            }
        }
    }

    private static Endpoint.Builder builder(String nameKey, String name, String urlKey, String url) {
        try {
            return Endpoint.builder(name, url);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            throw new IllegalArgumentException(message.startsWith("url:")
                ? urlKey + message.substring(3) : nameKey + message.substring(message.indexOf(':')), e);
        }
    }

    private static void addSecret(Endpoint.Builder builder, String secret, String key) {
        try {
            builder.secret(WebhookSecret.parse(secret));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }

    private static Endpoint build(Endpoint.Builder builder, String secretsKey) {
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(secretsKey + e.getMessage().substring(e.getMessage().indexOf(':')), e);
        }
    }

    /** Replaces every {@code ${env:NAME}}; a variable that is not set is an error naming the key. */
    static String expand(String text, String key, Function<String, Optional<String>> env) {
        Matcher m = ENV.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = env.apply(m.group(1))
                .orElseThrow(() -> new IllegalArgumentException(key + ": environment variable " + m.group(1) + " is not set"));
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String text(JsonNode node, String field, String key) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException(key + ": required text");
        }
        return value.asText();
    }

    private static void unknownKeys(JsonNode node, Set<String> known, String prefix) {
        if (!node.isObject()) {
            throw new IllegalArgumentException((prefix.isEmpty() ? "(top level)" : prefix.substring(0, prefix.length() - 1))
                + ": must be an object");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!known.contains(field)) {
                throw new IllegalArgumentException(prefix + field + ": unknown key (known: " + String.join(", ", known) + ")");
            }
        }
    }
}
