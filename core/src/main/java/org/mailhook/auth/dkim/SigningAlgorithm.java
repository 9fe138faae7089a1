package org.mailhook.auth.dkim;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Locale;
import java.util.Optional;

/** The a= algorithms DKIM and ARC know; rsa-sha1 is recognised only to be refused (RFC 8301). */
public enum SigningAlgorithm {
    RSA_SHA256("rsa", "sha256"),
    ED25519_SHA256("ed25519", "sha256"),
    RSA_SHA1("rsa", "sha1");

    private final String keyType;
    private final String hash;

    SigningAlgorithm(String keyType, String hash) {
        this.keyType = keyType;
        this.hash = hash;
    }

    public static Optional<SigningAlgorithm> of(String tag) {
        if (tag == null) {
            return Optional.empty();
        }
        for (SigningAlgorithm algorithm : values()) {
            if (algorithm.tag().equals(tag.toLowerCase(Locale.ROOT))) {
                return Optional.of(algorithm);
            }
        }
        return Optional.empty();
    }

    /** As written in a=, e.g. {@code rsa-sha256}. */
    public String tag() {
        return keyType + "-" + hash;
    }

    /** The k= key type the algorithm needs. */
    public String keyType() {
        return keyType;
    }

    /** The hash name as key records list it in h=. */
    public String hash() {
        return hash;
    }

    public byte[] digest(byte[] data) {
        return newDigest().digest(data);
    }

    /** A fresh digest of this algorithm's hash, to feed in pieces. */
    public MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance(this == RSA_SHA1 ? "SHA-1" : "SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks " + hash, e);
        }
    }

    /**
     * Checks {@code signature} over {@code data}. Ed25519 signs the SHA-256 digest of the data
     * (RFC 8463 section 3), RSA signs the data with PKCS#1 v1.5.
     */
    public boolean verify(PublicKey key, byte[] data, byte[] signature) {
        try {
            Signature verifier;
            byte[] signed = data;
            if (this == ED25519_SHA256) {
                verifier = Signature.getInstance("Ed25519");
                signed = digest(data);
            } else {
                verifier = Signature.getInstance(this == RSA_SHA1 ? "SHA1withRSA" : "SHA256withRSA");
            }
            verifier.initVerify(key);
            verifier.update(signed);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
