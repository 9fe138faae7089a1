package org.mailhook.webhook;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import okhttp3.HttpUrl;

/**
 * An instant address: a random address minted at run time and routed to its own webhook URL (the
 * hosted services' "instant address", self-hosted). The secret never leaves the server: toString
 * hides it.
 */
public record InstantAddress(String address, String url, Optional<String> secret, long createdAtMillis) {
    private static final Pattern LOCAL = Pattern.compile("[a-z0-9]{4,64}");
    private static final char[] ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();
    private static final int LOCAL_LENGTH = 20;

    /**
     * A fresh random address on {@code domain} for {@code url}, with its URL and secret checked the way
     * delivery will read them, and the URL by the address policy delivery applies.
     *
     * @throws IllegalArgumentException naming the field (domain, url, secret), never showing the secret
     */
    public static InstantAddress mint(String domain, String url, Optional<String> secret, SsrfGuard guard, SecureRandom random,
                                      long nowMillis) {
        if (domain == null || domain.isBlank()) {
            throw new IllegalArgumentException("domain: no domain is configured for instant addresses");
        }
        InstantAddress address = new InstantAddress(randomLocal(random) + "@" + domain.trim().toLowerCase(Locale.ROOT), url.trim(),
            secret.map(String::trim).filter(s -> !s.isEmpty()), nowMillis);
        Endpoint.builder("check", address.url());
        guard.refusalForUrl(HttpUrl.get(address.url())).ifPresent(refusal -> {
            throw new IllegalArgumentException("url: " + refusal);
        });
        address.secret().ifPresent(WebhookSecret::parse);
        return address;
    }

    /** The local part an instant address would have, if {@code address} can be one (a revocation looks it up). */
    public static Optional<String> localPartOf(String address) {
        int at = address.indexOf('@');
        String local = (at < 0 ? address : address.substring(0, at)).toLowerCase(Locale.ROOT);
        return LOCAL.matcher(local).matches() ? Optional.of(local) : Optional.empty();
    }

    public String local() {
        return address.substring(0, address.indexOf('@'));
    }

    /** Its endpoint; without a secret of its own it signs with {@code fallback}'s secrets and key. */
    public Endpoint endpoint(Optional<Endpoint> fallback) {
        Endpoint.Builder builder = Endpoint.builder("instant-" + local(), url);
        if (secret.isPresent()) {
            builder.secret(WebhookSecret.parse(secret.get()));
        } else {
            fallback.ifPresent(f -> {
                f.secrets().forEach(builder::secret);
                f.signingKey().ifPresent(builder::signingKey);
            });
        }
        return builder.build();
    }

    @Override
    public String toString() {
        return "InstantAddress[" + address + " -> " + url + (secret.isPresent() ? ", whsec_***" : "") + "]";
    }

    private static String randomLocal(SecureRandom random) {
        // 20 characters of a 32-letter alphabet: 100 bits, unguessable; no look-alike letters.
        StringBuilder local = new StringBuilder(LOCAL_LENGTH);
        for (int i = 0; i < LOCAL_LENGTH; i++) {
            local.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return local.toString();
    }
}
