package org.mailhook.json;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Reads a decoded part once while hashing (SHA-256), counting, and keeping the bytes only while they
 * fit {@code keepLimit}: large parts stream through without being held in memory.
 */
final class MeasuredStream extends ObservedInputStream {
    private final MessageDigest sha256 = newSha256();
    private final int keepLimit;
    private ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private long size;

    MeasuredStream(InputStream in, int keepLimit) {
        super(in);
        this.keepLimit = keepLimit;
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }

    @Override
    void observe(byte[] buffer, int offset, int n) {
        sha256.update(buffer, offset, n);
        size += n;
        if (kept != null) {
            if (size <= keepLimit) {
                kept.write(buffer, offset, n);
            } else {
                kept = null;
            }
        }
    }

    @Override
    public void close() {
        // the MIME parser owns the underlying stream
    }

    long size() {
        return size;
    }

    String sha256Hex() {
        return HexFormat.of().formatHex(sha256.digest());
    }

    /** The bytes read, or null when there were more than {@code keepLimit}. */
    byte[] kept() {
        return kept == null ? null : kept.toByteArray();
    }
}
