package org.mailhook.auth.dkim;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
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
        MessageDigest digest = algorithm.newDigest();
        long canonicalLength;
        try {
            canonicalLength = Canonicalization.body(message.bodyBytes(), relaxed, new DigestUpTo(digest, length));
        } catch (IOException e) {
            throw new UncheckedIOException("a digest does not fail", e);
        }
        // l= longer than the body cannot be verified (RFC 6376 3.5)
        String hash = length == null || length <= canonicalLength ? Base64.getEncoder().encodeToString(digest.digest()) : null;
        cache.put(key, hash);
        return hash;
    }

    /** Feeds the digest the first {@code limit} bytes written (all of them without a limit). */
    private static final class DigestUpTo extends OutputStream {
        private final MessageDigest digest;
        private long remaining;

        DigestUpTo(MessageDigest digest, Long limit) {
            this.digest = digest;
            this.remaining = limit == null ? Long.MAX_VALUE : limit;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int count) {
            int taken = (int) Math.min(count, remaining);
            if (taken > 0) {
                digest.update(bytes, offset, taken);
                remaining -= taken;
            }
        }
    }
}
