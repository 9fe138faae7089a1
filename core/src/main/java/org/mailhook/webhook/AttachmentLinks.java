package org.mailhook.webhook;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * Signed, expiring attachment links: each attachment of a webhook payload gets a {@code url} that
 * fetches its decoded bytes from WebAdmin without admin credentials, until it expires. The signature is
 * the server key's HMAC-SHA256 ({@link ServerKey#signLink}) over the message id, the part id and the
 * expiry (Unix seconds), so a link for one part, message or moment cannot be turned into another.
 */
public final class AttachmentLinks {
    /** Where the links point, below the base URL. */
    public static final String PATH = "/mailhook/links";
    /** The longest lifetime accepted: links are bearer credentials. */
    public static final Duration MAX_LIFETIME = Duration.ofDays(7);
    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] PART_ID = "\"partId\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] URL_MEMBER = ",\"url\":".getBytes(StandardCharsets.US_ASCII);

    /** What a presented link is. */
    public enum Check { VALID, EXPIRED, INVALID }

    private final ServerKey key;
    private final String baseUrl;
    private final Duration lifetime;
    private final Clock clock;

    /**
     * @param baseUrl WebAdmin as receivers reach it ({@code https://mx.example:8000}), without a trailing slash
     * @throws IllegalArgumentException when the lifetime is not positive or beyond {@link #MAX_LIFETIME}
     */
    public AttachmentLinks(ServerKey key, String baseUrl, Duration lifetime, Clock clock) {
        if (lifetime.isZero() || lifetime.isNegative() || lifetime.compareTo(MAX_LIFETIME) > 0) {
            throw new IllegalArgumentException("the link lifetime must be above 0 and at most " + MAX_LIFETIME.toDays() + " days");
        }
        this.key = key;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /**
     * The payload with a {@code url} beside every attachment's {@code partId} (attached messages' own
     * attachments included), expiring one lifetime from now; a payload without an {@code id} or not a
     * JSON object is returned as it is.
     *
     * <p>This runs before every attempt, on payloads that carry attachment contents: the links are spliced
     * into the bytes at the positions one streaming pass finds, instead of building and writing a JSON tree
     * of the whole payload. A {@code url} already there has its value replaced in place.
     */
    public byte[] addTo(byte[] payload) {
        // Most mail has no attachment, and a byte scan spares it even the streaming pass.
        if (!contains(payload, PART_ID)) {
            return payload;
        }
        Splices splices = new Splices();
        try (JsonParser parser = JSON.createParser(payload)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return payload;
            }
            readMessage(parser, splices, true);
            if (parser.nextToken() != null) {
                return payload;
            }
        } catch (IOException e) {
            return payload;
        }
        if (splices.id == null || splices.at.isEmpty()) {
            return payload;
        }
        long expires = clock.instant().getEpochSecond() + lifetime.toSeconds();
        return splices.apply(payload, partId -> url(splices.id, partId, expires));
    }

    /** Where the links go: for each attachment, a byte range of the payload replaced by {@code ,"url":"…"} or by a new value. */
    private static final class Splices {
        private String id;
        private final List<Splice> at = new ArrayList<>();

        byte[] apply(byte[] payload, Function<String, String> urlOf) {
            at.sort(Comparator.comparingLong(Splice::from));
            ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + at.size() * 160);
            int copied = 0;
            for (Splice splice : at) {
                out.write(payload, copied, (int) splice.from() - copied);
                byte[] quoted = quoted(urlOf.apply(splice.partId()));
                if (splice.replacesValue()) {
                    out.writeBytes(quoted);
                } else {
                    out.writeBytes(URL_MEMBER);
                    out.writeBytes(quoted);
                }
                copied = (int) splice.to();
            }
            out.write(payload, copied, payload.length - copied);
            return out.toByteArray();
        }
    }

    private static byte[] quoted(String value) {
        byte[] escaped = JsonStringEncoder.getInstance().quoteAsUTF8(value);
        byte[] quoted = new byte[escaped.length + 2];
        quoted[0] = '"';
        System.arraycopy(escaped, 0, quoted, 1, escaped.length);
        quoted[quoted.length - 1] = '"';
        return quoted;
    }

    /** Bytes {@code [from, to)} of the payload give way to the link of {@code partId}: an existing value, or nothing (a new member). */
    private record Splice(long from, long to, String partId, boolean replacesValue) {
    }

    /** Reads a message object (the parser on its START_OBJECT) up to its END_OBJECT, noting where its attachments' links go. */
    private static void readMessage(JsonParser parser, Splices splices, boolean top) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.getCurrentName();
            JsonToken value = parser.nextToken();
            if (top && "id".equals(field)) {
                splices.id = value == JsonToken.VALUE_STRING ? parser.getText() : null;
            } else if ("attachments".equals(field) && value == JsonToken.START_ARRAY) {
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    if (parser.currentToken() == JsonToken.START_OBJECT) {
                        readAttachment(parser, splices);
                    } else {
                        parser.skipChildren();
                    }
                }
            } else {
                parser.skipChildren();
            }
        }
    }

    /** Reads one attachment object; only one with a textual {@code partId} gets a link, and only then do its message's attachments. */
    private static void readAttachment(JsonParser parser, Splices splices) throws IOException {
        String partId = null;
        Splice existing = null;
        Splices nested = new Splices();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.getCurrentName();
            JsonToken value = parser.nextToken();
            long valueStart = parser.getTokenLocation().getByteOffset();
            if ("partId".equals(field)) {
                partId = value == JsonToken.VALUE_STRING ? parser.getText() : null;
            } else if ("url".equals(field) && value == JsonToken.VALUE_STRING) {
                parser.getText();
                existing = new Splice(valueStart, parser.getCurrentLocation().getByteOffset(), null, true);
            } else if ("message".equals(field) && value == JsonToken.START_OBJECT) {
                readMessage(parser, nested, false);
            } else {
                parser.skipChildren();
            }
        }
        if (partId == null) {
            return;
        }
        long end = parser.getTokenLocation().getByteOffset();
        splices.at.add(existing != null ? new Splice(existing.from(), existing.to(), partId, true) : new Splice(end, end, partId, false));
        splices.at.addAll(nested.at);
    }

    /** The link to part {@code partId} of message {@code id}, valid until {@code expires} (Unix seconds). */
    public String url(String id, String partId, long expires) {
        return baseUrl + PATH + "/" + encode(id) + "/attachments/" + encode(partId) + "?expires=" + expires + "&signature="
            + key.signLink(signed(id, partId, expires));
    }

    /**
     * Judges a presented link against the server key and {@code clock}: a signature that does not match
     * (any of the three values changed) is invalid, whatever the expiry says.
     */
    public static Check check(ServerKey key, Clock clock, String id, String partId, String expires, String signature) {
        if (id == null || partId == null || expires == null || signature == null || !expires.matches("[0-9]{1,12}")) {
            return Check.INVALID;
        }
        long at = Long.parseLong(expires);
        if (!key.verifyLink(signed(id, partId, at), signature)) {
            return Check.INVALID;
        }
        return clock.instant().getEpochSecond() >= at ? Check.EXPIRED : Check.VALID;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static String signed(String id, String partId, long expires) {
        return id + "\n" + partId + "\n" + expires;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
