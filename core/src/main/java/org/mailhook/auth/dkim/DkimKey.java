package org.mailhook.auth.dkim;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.mailhook.auth.AuthResult;

/**
 * A public key record (RFC 6376 section 3.6.1) with the tags that restrict its use.
 *
 * @param keyType k= ({@code rsa} by default)
 * @param hashes h=, the acceptable hashes, empty for any
 * @param services s=, e.g. {@code email} or {@code *}
 * @param strictIdentity t=s: the i= domain must equal d= exactly
 */
public record DkimKey(String keyType, PublicKey key, List<String> hashes, List<String> services,
                      boolean strictIdentity) {

    /** The smallest RSA modulus RFC 8301 lets a verifier accept. */
    public static final int MINIMUM_RSA_BITS = 1024;

    private static final byte[] ED25519_SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03,
        0x21, 0x00};

    /** The outcome of reading a key record: a key, or why there is none. */
    public record Parsed(DkimKey key, String error) {
    }

    public static Parsed parse(String record) {
        Optional<TagList> parsed = TagList.parse(record);
        if (parsed.isEmpty()) {
            return new Parsed(null, "key record syntax error");
        }
        TagList tags = parsed.get();
        if (tags.has("v") && (!"v".equals(tags.firstTag()) || !tags.get("v").equals("DKIM1"))) {
            return new Parsed(null, "key record has a wrong v= tag");
        }
        String p = tags.compact("p");
        if (p == null) {
            return new Parsed(null, "key record without p=");
        }
        if (p.isEmpty()) {
            return new Parsed(null, "key revoked");
        }
        String keyType = tags.getOrDefault("k", "rsa").toLowerCase(Locale.ROOT);
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(p);
        } catch (IllegalArgumentException e) {
            return new Parsed(null, "key p= is not base64");
        }
        PublicKey key;
        try {
            key = switch (keyType) {
                case "rsa" -> rsaKey(bytes);
                case "ed25519" -> ed25519Key(bytes);
                default -> null;
            };
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return new Parsed(null, "unreadable " + keyType + " public key");
        }
        if (key == null) {
            return new Parsed(null, "unknown key type " + keyType);
        }
        List<String> hashes = list(tags.get("h"));
        List<String> services = tags.has("s") ? list(tags.get("s")) : List.of("*");
        boolean strict = list(tags.get("t")).contains("s");
        return new Parsed(new DkimKey(keyType, key, hashes, services, strict), null);
    }

    /**
     * Why this key may not verify a signature: permerror for a key that cannot serve (wrong type, not for
     * email), policy for one refused by rule (a hash its h= excludes, an RSA key under 1024 bits).
     */
    public record Refusal(AuthResult result, String reason) {
    }

    /** The refusal for {@code algorithm} signatures, or null when the key may verify them. */
    public Refusal refusal(SigningAlgorithm algorithm) {
        if (!keyType.equals(algorithm.keyType())) {
            return new Refusal(AuthResult.PERMERROR, "key type " + keyType + " does not fit " + algorithm.tag());
        }
        if (!services.contains("*") && !services.contains("email")) {
            return new Refusal(AuthResult.PERMERROR, "key is not for email");
        }
        if (!hashes.isEmpty() && !hashes.contains(algorithm.hash())) {
            return new Refusal(AuthResult.POLICY, "key does not allow " + algorithm.hash());
        }
        if (keyType.equals("rsa") && rsaBits() < MINIMUM_RSA_BITS) {
            return new Refusal(AuthResult.POLICY, "RSA key of " + rsaBits() + " bits is too short (RFC 8301)");
        }
        return null;
    }

    public int rsaBits() {
        return key instanceof RSAPublicKey rsa ? rsa.getModulus().bitLength() : 0;
    }

    private static List<String> list(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(":")).map(v -> v.strip().toLowerCase(Locale.ROOT)).toList();
    }

    /** SubjectPublicKeyInfo as RFC 6376 asks, or the bare PKCS#1 RSAPublicKey some records publish. */
    private static PublicKey rsaKey(byte[] der) throws GeneralSecurityException {
        KeyFactory factory = KeyFactory.getInstance("RSA");
        try {
            return factory.generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException spkiFailed) {
            Der sequence = new Der(der);
            sequence.enter(0x30);
            BigInteger modulus = sequence.integer();
            BigInteger exponent = sequence.integer();
            return factory.generatePublic(new RSAPublicKeySpec(modulus, exponent));
        }
    }

    /** RFC 8463 publishes the bare 32-byte key; the JDK reads it inside a SubjectPublicKeyInfo. */
    private static PublicKey ed25519Key(byte[] raw) throws GeneralSecurityException {
        if (raw.length != 32) {
            throw new GeneralSecurityException("Ed25519 key must be 32 bytes");
        }
        byte[] spki = Arrays.copyOf(ED25519_SPKI_PREFIX, ED25519_SPKI_PREFIX.length + 32);
        System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, 32);
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    }

    /** Just enough DER to read PKCS#1's SEQUENCE { INTEGER, INTEGER }. */
    private static final class Der {
        private final byte[] bytes;
        private int position;

        Der(byte[] bytes) {
            this.bytes = bytes;
        }

        void enter(int tag) throws GeneralSecurityException {
            header(tag);
        }

        BigInteger integer() throws GeneralSecurityException {
            int length = header(0x02);
            if (position + length > bytes.length) {
                throw new GeneralSecurityException("truncated DER integer");
            }
            BigInteger value = new BigInteger(Arrays.copyOfRange(bytes, position, position + length));
            position += length;
            return value;
        }

        /** Reads a tag (which must be {@code tag}) and its length; returns the length. */
        private int header(int tag) throws GeneralSecurityException {
            if (position + 2 > bytes.length || (bytes[position++] & 0xff) != tag) {
                throw new GeneralSecurityException("unexpected DER tag");
            }
            int first = bytes[position++] & 0xff;
            if (first < 0x80) {
                return first;
            }
            int count = first & 0x7f;
            if (count > 4 || position + count > bytes.length) {
                throw new GeneralSecurityException("bad DER length");
            }
            int length = 0;
            for (int i = 0; i < count; i++) {
                length = (length << 8) | (bytes[position++] & 0xff);
            }
            return length;
        }
    }
}
