package org.mailhook.spam;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Rspamd's normal worker over its own HTTP protocol: {@code POST /checkv2} with the mail as the body and
 * the envelope as headers ({@code From}, one {@code Rcpt} per recipient, {@code IP}, {@code Helo},
 * {@code Hostname}, {@code Queue-Id}), answered with JSON
 * (<a href="https://rspamd.com/doc/developers/protocol.html">Rspamd protocol</a>). Every failure
 * (refused, slower than the timeout, an HTTP error, an answer that is not Rspamd's) is an
 * {@link SpamVerdict.Status#UNAVAILABLE} verdict, never an exception, so the caller's policy decides.
 * Thread-safe; one client serves all mails.
 */
public final class RspamdClient {
    public static final String SCANNER = "rspamd";
    public static final String DEFAULT_URL = "http://127.0.0.1:11333";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final MediaType MESSAGE = MediaType.get("message/rfc822");
    /** Rspamd answers a few kilobytes; more is not Rspamd. */
    private static final long MAX_ANSWER_BYTES = 4L * 1024 * 1024;

    private final HttpUrl checkUrl;
    private final OkHttpClient http;

    /**
     * @param baseUrl Rspamd's normal worker, e.g. {@code http://127.0.0.1:11333}
     * @param timeout bound of the whole exchange (connect, send, scan, answer)
     */
    public RspamdClient(String baseUrl, Duration timeout) {
        this(baseUrl, new OkHttpClient.Builder()
            .callTimeout(timeout)
            .connectTimeout(timeout)
            .readTimeout(timeout)
            .writeTimeout(timeout)
            // A scan is not idempotent to wait for twice: one attempt within the bound, then "unavailable".
            .retryOnConnectionFailure(false)
            .followRedirects(false)
            .build());
    }

    RspamdClient(String baseUrl, OkHttpClient http) {
        HttpUrl base = HttpUrl.parse(baseUrl);
        if (base == null) {
            throw new IllegalArgumentException("url: '" + baseUrl + "' is not an http or https URL");
        }
        this.checkUrl = base.newBuilder().encodedPath("/checkv2").build();
        this.http = http;
    }

    public SpamVerdict check(SpamCheck mail) {
        Headers.Builder headers = new Headers.Builder();
        header(headers, "From", mail.mailFrom());
        mail.rcptTo().forEach(rcpt -> header(headers, "Rcpt", rcpt));
        header(headers, "IP", mail.clientIp());
        header(headers, "Helo", mail.helo());
        header(headers, "Hostname", mail.clientHostname());
        header(headers, "Queue-Id", mail.queueId());
        Request request = new Request.Builder().url(checkUrl).headers(headers.build())
            .post(RequestBody.create(mail.message(), MESSAGE)).build();
        try (Response response = http.newCall(request).execute()) {
            if (!response.isSuccessful()) {
                return unavailable("HTTP " + response.code() + " from " + checkUrl);
            }
            ResponseBody body = response.body();
            if (body == null || body.contentLength() > MAX_ANSWER_BYTES) {
                return unavailable("an answer that is not Rspamd's from " + checkUrl);
            }
            return parse(body.string(), version(response.header("Server")));
        } catch (InterruptedIOException e) {
            return unavailable("no answer within the timeout from " + checkUrl);
        } catch (IOException e) {
            return unavailable(e.getClass().getSimpleName() + " from " + checkUrl + ": " + e.getMessage());
        }
    }

    /** Rspamd's checkv2 JSON; an answer without score, required score and a known action is unavailable. */
    static SpamVerdict parse(String answer, String version) {
        JsonNode json;
        try {
            json = MAPPER.readTree(answer);
        } catch (IOException e) {
            return unavailable("an answer that is not JSON");
        }
        if (json == null || !json.path("score").isNumber() || !json.path("required_score").isNumber()) {
            return unavailable("an answer without score and required_score");
        }
        Optional<SpamAction> action = SpamAction.fromCode(json.path("action").asText(null));
        if (action.isEmpty()) {
            return unavailable("an answer with an unknown action '" + json.path("action").asText() + "'");
        }
        List<SpamVerdict.Symbol> symbols = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = json.path("symbols").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> symbol = it.next();
            List<String> options = new ArrayList<>();
            symbol.getValue().path("options").forEach(option -> options.add(option.asText()));
            symbols.add(new SpamVerdict.Symbol(symbol.getKey(), symbol.getValue().path("score").asDouble(), options));
        }
        return SpamVerdict.scored(SCANNER, version, json.path("score").asDouble(), json.path("required_score").asDouble(),
            action.get(), symbols);
    }

    /** {@code rspamd/3.4} → {@code 3.4}; null when the Server header does not name Rspamd. */
    static String version(String server) {
        if (server == null || !server.startsWith(SCANNER + "/")) {
            return null;
        }
        String version = server.substring(SCANNER.length() + 1).strip();
        return version.isEmpty() ? null : version;
    }

    private static SpamVerdict unavailable(String reason) {
        return SpamVerdict.unavailable(SCANNER, reason);
    }

    /**
     * SMTP allows UTF-8 addresses (RFC 6531), which OkHttp's checked headers refuse; line breaks could
     * inject headers, so they are dropped. Absent values are not sent: Rspamd then works without them.
     */
    private static void header(Headers.Builder headers, String name, String value) {
        if (value == null || value.isBlank()) {
            return;
        }
        headers.addUnsafeNonAscii(name, value.replaceAll("[\\r\\n]", ""));
    }
}
