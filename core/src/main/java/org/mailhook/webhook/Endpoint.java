package org.mailhook.webhook;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.mailhook.config.ParameterValues;

import okhttp3.Dns;
import okhttp3.HttpUrl;

/**
 * A webhook receiver: where to POST, how to sign ({@code whsec_} secrets, all of them during a rotation,
 * and optionally an ed25519 {@code whsk_} key) and how long to wait. {@link #toString()} shows neither keys
 * nor the URL's credentials or query (which often carries a token).
 */
public final class Endpoint {
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
    /** Standard Webhooks recommends 15 to 30 s for the whole request. */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_CONCURRENT = 4;

    private final String name;
    private final HttpUrl url;
    private final List<WebhookSecret> secrets;
    private final Optional<WebhookSigningKey> signingKey;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration callTimeout;
    private final int maxConcurrent;

    private Endpoint(Builder builder) {
        this.name = builder.name;
        this.url = builder.url;
        this.secrets = List.copyOf(builder.secrets);
        this.signingKey = builder.signingKey;
        this.connectTimeout = builder.connectTimeout;
        this.readTimeout = builder.readTimeout;
        this.callTimeout = builder.callTimeout;
        this.maxConcurrent = builder.maxConcurrent;
    }

    /**
     * @throws IllegalArgumentException naming the field ({@code name}, {@code url}) that is wrong
     */
    public static Builder builder(String name, String url) {
        return new Builder(name, url);
    }

    /**
     * The endpoint two parameters name, to be finished with its timeouts: {@code urlKey} and {@code secretKey}
     * (its {@code whsec_} secrets, space or comma separated). A URL whose host is an address the policy refuses
     * is refused here; a host name is judged when it is resolved, at each request.
     *
     * @param url the value of {@code urlKey}
     * @throws IllegalArgumentException located by {@code values}, naming {@code urlKey} or {@code secretKey}
     */
    public static Builder configured(String name, ParameterValues values, String url, String urlKey, String secretKey,
                                     SsrfGuard.Policy policy) {
        Builder builder;
        try {
            builder = builder(name, url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(values.locate(urlKey + e.getMessage().substring(e.getMessage().indexOf(':'))), e);
        }
        String secrets = values.text(secretKey)
            .orElseThrow(() -> new IllegalArgumentException(values.locate(secretKey + ": required with " + urlKey + " (whsec_…)")));
        for (String secret : secrets.split("[\\s,]+")) {
            if (secret.isEmpty()) {
                continue;
            }
            try {
                builder.secret(WebhookSecret.parse(secret));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(values.locate(secretKey + ": " + e.getMessage()), e);
            }
        }
        new SsrfGuard(policy, Dns.SYSTEM).refusalForUrl(builder.url).ifPresent(refusal -> {
            throw new IllegalArgumentException(values.locate(urlKey + ": " + refusal));
        });
        return builder;
    }

    public String name() {
        return name;
    }

    public HttpUrl url() {
        return url;
    }

    public List<WebhookSecret> secrets() {
        return secrets;
    }

    public Optional<WebhookSigningKey> signingKey() {
        return signingKey;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration readTimeout() {
        return readTimeout;
    }

    public Duration callTimeout() {
        return callTimeout;
    }

    /** How many deliveries to this endpoint may be in flight at once (see {@link EndpointLimiter}). */
    public int maxConcurrent() {
        return maxConcurrent;
    }

    /** The URL without credentials or query, safe for logs. */
    public String displayUrl() {
        return url.newBuilder().username("").password("").query(null).build()
            + (url.query() == null ? "" : "?***");
    }

    @Override
    public String toString() {
        return "Endpoint[" + name + " " + displayUrl() + ", " + secrets.size() + " whsec_***"
            + signingKey.map(k -> ", whsk_***").orElse("") + "]";
    }

    public static final class Builder {
        private final String name;
        private final HttpUrl url;
        private final List<WebhookSecret> secrets = new ArrayList<>();
        private Optional<WebhookSigningKey> signingKey = Optional.empty();
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration readTimeout = DEFAULT_READ_TIMEOUT;
        private Duration callTimeout = DEFAULT_CALL_TIMEOUT;
        private int maxConcurrent = DEFAULT_MAX_CONCURRENT;

        private Builder(String name, String url) {
            if (name == null || !name.matches("[A-Za-z0-9_.-]{1,64}")) {
                throw new IllegalArgumentException("name: '" + name + "' must be 1..64 of A-Z a-z 0-9 _ . -");
            }
            this.name = name;
            HttpUrl parsed = url == null ? null : HttpUrl.parse(url.trim());
            if (parsed == null) {
                throw new IllegalArgumentException("url: not an http(s) URL");
            }
            this.url = parsed;
        }

        public Builder secret(WebhookSecret secret) {
            secrets.add(Objects.requireNonNull(secret));
            return this;
        }

        public Builder signingKey(WebhookSigningKey key) {
            signingKey = Optional.of(key);
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        public Builder readTimeout(Duration timeout) {
            readTimeout = positive(timeout, "readTimeout");
            return this;
        }

        public Builder callTimeout(Duration timeout) {
            callTimeout = positive(timeout, "callTimeout");
            return this;
        }

        public Builder maxConcurrent(int limit) {
            if (limit < 1) {
                throw new IllegalArgumentException("maxConcurrent: must be at least 1, got " + limit);
            }
            maxConcurrent = limit;
            return this;
        }

        /** @throws IllegalArgumentException ({@code secrets}) when there is nothing to sign with */
        public Endpoint build() {
            if (secrets.isEmpty() && signingKey.isEmpty()) {
                throw new IllegalArgumentException("secrets: endpoint '" + name + "' needs a whsec_ secret or a whsk_ signing key");
            }
            return new Endpoint(this);
        }

        private static Duration positive(Duration timeout, String key) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException(key + ": must be positive");
            }
            return timeout;
        }
    }
}
