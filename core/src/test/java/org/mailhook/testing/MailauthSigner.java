package org.mailhook.testing;

import java.io.IOException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * DKIM signatures made by mailauth (Node), not by Mailhook: what a test needs to show that Mailhook
 * verifies mail signed by somebody else. Keys are made here; {@link Key#dnsRecord()} is what to publish.
 */
public final class MailauthSigner {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A signing key: its domain, selector and key pair (RSA or Ed25519). */
    public record Key(String domain, String selector, KeyPair pair) {
        public static Key rsa2048(String domain, String selector) {
            return new Key(domain, selector, generate("RSA", 2048));
        }

        public static Key ed25519(String domain, String selector) {
            return new Key(domain, selector, generate("Ed25519", 0));
        }

        public boolean isEd25519() {
            return pair.getPublic().getAlgorithm().equals("EdDSA") || pair.getPublic().getAlgorithm().equals("Ed25519");
        }

        /** The owner name of the key record, without trailing dot. */
        public String recordName() {
            return selector + "._domainkey." + domain;
        }

        /** The TXT value to publish (RFC 6376 3.6.1; RFC 8463 for Ed25519: the bare 32-byte key). */
        public String dnsRecord() {
            byte[] encoded = pair.getPublic().getEncoded();
            if (isEd25519()) {
                byte[] raw = java.util.Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
                return "v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(raw);
            }
            return "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(encoded);
        }

        String privatePem() {
            return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        }

        private static KeyPair generate(String algorithm, int size) {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
                if (size > 0) {
                    generator.initialize(size);
                }
                return generator.generateKeyPair();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private MailauthSigner() {
    }

    /** Each message signed with every key given for it, in one Node run. */
    public static List<byte[]> sign(List<byte[]> messages, List<Key> keys) throws IOException, InterruptedException {
        ArrayNode requests = JSON.createArrayNode();
        for (byte[] message : messages) {
            ObjectNode request = requests.addObject();
            request.put("message", Base64.getEncoder().encodeToString(message));
            ArrayNode keyArray = request.putArray("keys");
            for (Key key : keys) {
                keyArray.addObject().put("domain", key.domain()).put("selector", key.selector()).put("privateKey", key.privatePem());
            }
        }
        List<byte[]> signed = new ArrayList<>();
        for (JsonNode one : NodePackages.runJson(MailauthSigner.class, "dkim-sign.js", requests)) {
            signed.add(Base64.getDecoder().decode(one.asText()));
        }
        return signed;
    }
}
