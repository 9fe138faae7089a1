package org.mailhook.json;

import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/** The raw mail as mime4j reads it: counted and hashed (raw SHA-256 and the key's body digest) on the way. */
final class RawInput extends ObservedInputStream {
    private final MessageDigest sha256 = MeasuredStream.newSha256();
    private final IdempotencyKey.BodyDigest bodyDigest = new IdempotencyKey.BodyDigest();
    private long size;
    private byte[] sha256Digest;

    RawInput(InputStream in) {
        super(in);
    }

    @Override
    void observe(byte[] buffer, int offset, int n) {
        sha256.update(buffer, offset, n);
        bodyDigest.update(buffer, offset, n);
        size += n;
    }

    long size() {
        return size;
    }

    /** The SHA-256 of everything read; read no further after asking. */
    byte[] sha256() {
        if (sha256Digest == null) {
            sha256Digest = sha256.digest();
        }
        return sha256Digest;
    }

    String sha256Hex() {
        return HexFormat.of().formatHex(sha256());
    }

    byte[] bodyDigest() {
        return bodyDigest.finish();
    }
}
