package org.mailhook.recipients;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import org.mailhook.config.Cidr;
import org.mailhook.config.ParameterValues;
import org.mailhook.webhook.Endpoint;
import org.mailhook.webhook.SsrfGuard;
import org.mailhook.webhook.WebhookSender;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import okhttp3.Dns;

/**
 * Asks an HTTPS endpoint whether to take a recipient at {@code RCPT TO}. The question is a JSON object
 * {@code {"recipient", "sender", "clientIp", "helo"}} POSTed with the Standard Webhooks headers, signed with
 * the endpoint's {@code whsec_} secrets exactly as webhooks are ({@link WebhookSender}, which also applies the
 * outbound address policy to the URL, each DNS answer and each connected socket). The answer contract:
 * <ul>
 *   <li>a {@code 2xx} whose body is a JSON object with {@code "accept": true}: taken;</li>
 *   <li>a {@code 2xx} whose body is a JSON object with {@code "accept": false}: refused ({@code 550 5.1.1});</li>
 *   <li>anything else (no answer within {@code timeout}, another status, a body that is not such an object,
 *       a refused address): unavailable, answered {@code 451 4.7.1} or taken as {@code whenUnavailable} says.</li>
 * </ul>
 * Answers are about the recipient alone: accepted and refused answers are kept per recipient (compared
 * case-insensitively) for {@code cacheTtl}, at most {@code cacheSize} recipients, the least recently used
 * dropped first; unavailable answers are never kept.
 */
public final class RecipientCallback {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofMinutes(5);
    public static final int DEFAULT_CACHE_SIZE = 10_000;
    /** The most of an answer's body read; an answer is a few bytes. */
    static final int MAX_ANSWER_BYTES = 4096;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One recipient as SMTP saw it; {@code sender} is null for the null sender {@code <>}, the others when unknown. */
    public record Query(String recipient, String sender, String clientIp, String helo) {
    }

    /** What the endpoint said. */
    public enum Outcome { ACCEPTED, REFUSED, UNAVAILABLE }

    /** What SMTP answers. */
    public enum Answer {
        /** Go on with the next check (250 unless a later one refuses). */
        ACCEPT,
        /** 550 5.1.1. */
        REFUSE,
        /** 451 4.7.1: the endpoint could not say, and {@code whenUnavailable} is {@code tempfail}. */
        TEMPFAIL
    }

    /**
     * @param cached whether the outcome was kept from an earlier answer (no request was made)
     * @param reason why the endpoint was unavailable, for the log; empty otherwise
     */
    public record Decision(Outcome outcome, Answer answer, boolean cached, Optional<String> reason) {
    }

    /** Puts the signed question to the endpoint; {@link WebhookSender#exchange} in production. */
    @FunctionalInterface
    public interface Transport {
        WebhookSender.Reply post(Endpoint endpoint, String webhookId, long timestampSeconds, byte[] payload, int maxBody)
            throws IOException;
    }

    /**
     * The callback's parameters: {@code enabled} (default false), {@code url}, {@code secret}, {@code timeout}
     * (default 2 s, for the whole request), {@code cacheTtl} (5 min; 0 keeps nothing), {@code cacheSize} (10,000),
     * {@code whenUnavailable} ({@code tempfail}, the default, or {@code accept}) and the outbound address policy's
     * {@code allowLoopback}, {@code allowPrivate}, {@code allowCidrs}.
     */
    public record Settings(boolean enabled, Optional<Endpoint> endpoint, Duration cacheTtl, int cacheSize,
                           boolean tempfailWhenUnavailable, SsrfGuard.Policy policy) {

        public static Settings disabled() {
            return new Settings(false, Optional.empty(), DEFAULT_CACHE_TTL, DEFAULT_CACHE_SIZE, true, SsrfGuard.Policy.strict());
        }

        /**
         * @param parameter a parameter's value, or null when not set
         * @throws IllegalArgumentException naming the parameter, the value and the allowed form
         */
        public static Settings fromParameters(Function<String, String> parameter) {
            ParameterValues values = ParameterValues.of(parameter);
            boolean enabled = values.flag("enabled", false);
            SsrfGuard.Policy policy = SsrfGuard.Policy.fromParameters(parameter);
            Duration timeout = values.duration("timeout", DEFAULT_TIMEOUT);
            if (timeout.isZero() || timeout.isNegative()) {
                throw values.invalid("timeout", values.text("timeout").orElse(""), "a positive duration");
            }
            Duration cacheTtl = values.duration("cacheTtl", DEFAULT_CACHE_TTL);
            int cacheSize = values.wholeNumber("cacheSize", DEFAULT_CACHE_SIZE, 0, 1_000_000);
            String unavailable = values.text("whenUnavailable", "tempfail").toLowerCase(Locale.ROOT);
            if (!unavailable.equals("tempfail") && !unavailable.equals("accept")) {
                throw values.invalid("whenUnavailable", unavailable, "tempfail or accept");
            }
            Optional<Endpoint> endpoint = Optional.empty();
            if (enabled) {
                String url = values.text("url").orElseThrow(() -> new IllegalArgumentException("url: required when enabled is true"));
                Endpoint built = Endpoint.configured("recipient-callback", values, url, "url", "secret", policy)
                    .connectTimeout(timeout).readTimeout(timeout).callTimeout(timeout).build();
                if (!built.url().isHttps() && !loopback(built.url().host())) {
                    throw new IllegalArgumentException("url: must be https (plain http only to a loopback address): " + built.displayUrl());
                }
                endpoint = Optional.of(built);
            }
            return new Settings(enabled, endpoint, cacheTtl, cacheSize, unavailable.equals("tempfail"), policy);
        }

        private static boolean loopback(String host) {
            Optional<InetAddress> address = Cidr.literal(host);
            return address.isPresent() && SsrfGuard.categorize(address.get()).orElse(null) == SsrfGuard.Category.LOOPBACK;
        }

        @Override
        public String toString() {
            return enabled
                ? "RecipientCallback[" + endpoint.map(Endpoint::displayUrl).orElse("-") + ", timeout " + endpoint.map(Endpoint::callTimeout)
                    .orElse(DEFAULT_TIMEOUT) + ", cache " + cacheTtl + " x " + cacheSize + ", when unavailable "
                    + (tempfailWhenUnavailable ? "tempfail" : "accept") + "]"
                : "RecipientCallback[disabled]";
        }
    }

    private record Kept(Outcome outcome, Instant until) {
    }

    private final Settings settings;
    private final Transport transport;
    private final Clock clock;
    private final Map<String, Kept> cache;

    public RecipientCallback(Settings settings, Transport transport, Clock clock) {
        this.settings = settings;
        this.transport = transport;
        this.clock = clock;
        int size = settings.cacheSize();
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Kept> eldest) {
                return size() > size;
            }
        };
    }

    /**
     * Over HTTP: one {@link WebhookSender} whose guard applies {@code settings.policy()}.
     *
     * @param version goes into {@code User-Agent: Mailhook/<version>}
     */
    public static RecipientCallback overHttp(Settings settings, String version, Clock clock) {
        WebhookSender sender = new WebhookSender(new SsrfGuard(settings.policy(), Dns.SYSTEM), version, clock);
        return new RecipientCallback(settings, sender::exchange, clock);
    }

    public Settings settings() {
        return settings;
    }

    /** Asks the endpoint, or answers from the cache; never throws for an endpoint that fails. */
    public Decision ask(Query query) {
        Endpoint endpoint = settings.endpoint().orElseThrow(() -> new IllegalStateException("the recipient callback is disabled"));
        String key = query.recipient().toLowerCase(Locale.ROOT);
        Instant now = clock.instant();
        synchronized (cache) {
            Kept kept = cache.get(key);
            if (kept != null && now.isBefore(kept.until())) {
                return decision(kept.outcome(), true, Optional.empty());
            }
        }
        Outcome outcome;
        Optional<String> reason = Optional.empty();
        try {
            WebhookSender.Reply reply = transport.post(endpoint, "rcpt_" + UUID.randomUUID().toString().replace("-", ""),
                now.getEpochSecond(), payload(query), MAX_ANSWER_BYTES);
            Optional<Boolean> accept = accept(reply);
            if (accept.isPresent()) {
                outcome = accept.get() ? Outcome.ACCEPTED : Outcome.REFUSED;
            } else {
                outcome = Outcome.UNAVAILABLE;
                reason = Optional.of("HTTP " + reply.status() + (reply.status() / 100 == 2 ? " without {\"accept\": true|false}" : ""));
            }
        } catch (IOException e) {
            outcome = Outcome.UNAVAILABLE;
            reason = Optional.of(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
        if (outcome != Outcome.UNAVAILABLE && !settings.cacheTtl().isZero() && settings.cacheSize() > 0) {
            synchronized (cache) {
                cache.put(key, new Kept(outcome, clock.instant().plus(settings.cacheTtl())));
            }
        }
        return decision(outcome, false, reason);
    }

    private Decision decision(Outcome outcome, boolean cached, Optional<String> reason) {
        Answer answer = switch (outcome) {
            case ACCEPTED -> Answer.ACCEPT;
            case REFUSED -> Answer.REFUSE;
            case UNAVAILABLE -> settings.tempfailWhenUnavailable() ? Answer.TEMPFAIL : Answer.ACCEPT;
        };
        return new Decision(outcome, answer, cached, reason);
    }

    /** The question's bytes: the four fields, null where unknown. */
    static byte[] payload(Query query) {
        ObjectNode body = JSON.createObjectNode();
        body.put("recipient", query.recipient());
        body.put("sender", query.sender());
        body.put("clientIp", query.clientIp());
        body.put("helo", query.helo());
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<Boolean> accept(WebhookSender.Reply reply) {
        if (reply.status() < 200 || reply.status() > 299) {
            return Optional.empty();
        }
        try {
            JsonNode answer = JSON.readTree(reply.body());
            JsonNode accept = answer == null || !answer.isObject() ? null : answer.get("accept");
            return accept != null && accept.isBoolean() ? Optional.of(accept.booleanValue()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
