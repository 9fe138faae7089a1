package org.mailhook.mailets;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import javax.mail.MessagingException;

import org.mailhook.webhook.WebhookSecret;

/** One webhook endpoint as configured on a WebhookDelivery mailet. Secrets never appear in toString. */
record WebhookEndpointConfig(String name, URI url, List<WebhookSecret> secrets, boolean allowLoopback,
                             List<Duration> delays, Duration connectTimeout, Duration callTimeout) {

    /** The Standard Webhooks retry table: the wait before attempts 2..10. */
    static final List<Duration> STANDARD_DELAYS = List.of(Duration.ofSeconds(5), Duration.ofMinutes(5),
        Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10),
        Duration.ofHours(14), Duration.ofHours(20), Duration.ofHours(24));

    static WebhookEndpointConfig from(Function<String, String> parameters, String mailetName) throws MessagingException {
        String url = required(parameters, "url");
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new MessagingException(mailetName + ": <url> is not a valid URL: " + e.getMessage());
        }
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
            throw new MessagingException(mailetName + ": <url> must be http:// or https://, got '" + url + "'");
        }
        List<WebhookSecret> secrets = new ArrayList<>();
        for (String secret : required(parameters, "secret").trim().split("[\\s,]+")) {
            try {
                secrets.add(WebhookSecret.parse(secret));
            } catch (IllegalArgumentException e) {
                throw new MessagingException(mailetName + ": <secret>: " + e.getMessage());
            }
        }
        String name = optional(parameters, "name", "default");
        boolean allowLoopback = Boolean.parseBoolean(optional(parameters, "allowLoopback", "false"));
        List<Duration> delays;
        try {
            delays = parseDelays(optional(parameters, "delays", "standard"));
        } catch (IllegalArgumentException e) {
            throw new MessagingException(mailetName + ": <delays>: " + e.getMessage());
        }
        return new WebhookEndpointConfig(name, uri, List.copyOf(secrets), allowLoopback, delays,
            Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    /** {@code standard} or a RemoteDelivery-style list such as {@code 5*5s, 3*5m, 10*1h}. */
    static List<Duration> parseDelays(String text) {
        if (text.trim().equals("standard")) {
            return STANDARD_DELAYS;
        }
        List<Duration> delays = new ArrayList<>();
        for (String token : text.split(",")) {
            String item = token.trim();
            int times = 1;
            int star = item.indexOf('*');
            if (star > 0) {
                times = Integer.parseInt(item.substring(0, star).trim());
                item = item.substring(star + 1).trim();
            }
            Duration delay = parseDuration(item);
            for (int i = 0; i < times; i++) {
                delays.add(delay);
            }
        }
        return List.copyOf(delays);
    }

    private static Duration parseDuration(String item) {
        if (!item.matches("\\d+(ms|s|m|h|d)")) {
            throw new IllegalArgumentException("'" + item + "' is not a duration like 500ms, 5s, 5m, 2h or 1d");
        }
        String unit = item.replaceAll("\\d", "");
        long amount = Long.parseLong(item.replaceAll("\\D", ""));
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    private static String required(Function<String, String> parameters, String name) throws MessagingException {
        String value = parameters.apply(name);
        if (value == null || value.isBlank()) {
            throw new MessagingException("WebhookDelivery: <" + name + "> is required");
        }
        return value;
    }

    private static String optional(Function<String, String> parameters, String name, String defaultValue) {
        String value = parameters.apply(name);
        return value == null || value.isBlank() ? defaultValue : value;
    }

    @Override
    public String toString() {
        return name + " " + url + " (" + secrets.size() + " secret(s))";
    }
}
