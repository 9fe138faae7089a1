package org.mailhook.auth.dkim;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;

import org.mailhook.auth.RawMessage;
import org.mailhook.auth.RawMessage.HeaderField;

/**
 * Signs test messages with rsa-sha256 relaxed/relaxed so tests can build the cases the corpus lacks
 * (weak keys, t=s, l=, tampering). Test-only: Mailhook verifies, it does not sign.
 */
public final class TestSigner {
    private final KeyPair keys;

    public TestSigner(int rsaBits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(rsaBits);
            this.keys = generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The TXT value to publish at {@code selector._domainkey.domain}, with extra tags such as "t=s; ". */
    public String keyRecord(String extraTags) {
        return "v=DKIM1; k=rsa; " + extraTags + "p=" + Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
    }

    /** The message with a DKIM-Signature prepended; {@code extraTags} such as "l=5; x=100; ". */
    public String sign(String message, String domain, String selector, String extraTags) {
        return signedField("DKIM-Signature", "v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + domain + "; s=" + selector
            + "; " + extraTags + "h=from:to:subject; bh=" + bodyHash(message, extraTags) + "; b=", message,
            List.of("from", "to", "subject")) + message;
    }

    /** A complete signature field (with CRLF) over {@code message}: {@code tags} must end in "b=". */
    public String signedField(String name, String tags, String message, List<String> signedNames) {
        String unsigned = name + ": " + tags + "\r\n";
        RawMessage parsed = RawMessage.parse((unsigned + message).getBytes(StandardCharsets.ISO_8859_1));
        HeaderField field = parsed.headers().get(0);
        byte[] data = SignedHeaders.data(parsed, signedNames, field, true);
        try {
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(keys.getPrivate());
            signer.update(data);
            String b = Base64.getEncoder().encodeToString(signer.sign());
            return name + ": " + tags + b + "\r\n";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String bodyHash(String message, String extraTags) {
        RawMessage parsed = RawMessage.parse(message.getBytes(StandardCharsets.ISO_8859_1));
        Long length = null;
        for (String tag : extraTags.split(";")) {
            if (tag.strip().startsWith("l=")) {
                length = Long.parseLong(tag.strip().substring(2));
            }
        }
        return BodyHash.of(parsed, true, length, SigningAlgorithm.RSA_SHA256, new HashMap<>());
    }

}
