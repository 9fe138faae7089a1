package org.mailhook.auth.dkim;

import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

import org.mailhook.auth.RawMessage;

/** The bh= value (RFC 6376 section 3.7): the hash of the canonical body, cut to l= when given. */
public final class BodyHash {
    private BodyHash() {
    }

    /**
     * Base64 body hash, cached in {@code cache} per canonicalization, length and hash (a message often
     * carries several signatures over the same body); null when l= exceeds the body.
     */
    public static String of(RawMessage message, boolean relaxed, Long length, SigningAlgorithm algorithm,
                            Map<String, String> cache) {
        String key = relaxed + "/" + length + "/" + algorithm.hash();
        if (cache.containsKey(key)) {
            return cache.get(key);
        }
        byte[] body = Canonicalization.body(message.body(), relaxed);
        String hash = null;
        if (length == null || length <= body.length) {
            byte[] covered = length == null ? body : Arrays.copyOf(body, length.intValue());
            hash = Base64.getEncoder().encodeToString(algorithm.digest(covered));
        }
        cache.put(key, hash);
        return hash;
    }
}
