package org.mailhook.auth.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.mailhook.auth.AuthResult;
import org.mailhook.auth.RawMessage;
import org.mailhook.dns.JsonFileResolver;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

class DkimVerifierTest {
    private static final String MESSAGE = "From: a@example.com\r\nTo: b@example.net\r\nSubject: hi\r\n\r\nHello  world\r\n";
    private static final TestSigner SIGNER = new TestSigner(2048);
    private static final Clock NOW = Clock.fixed(Instant.ofEpochSecond(1_000_000L), ZoneOffset.UTC);

    @Test
    void passesAGoodSignature() {
        assertThat(verify(SIGNER.sign(MESSAGE, "example.com", "s1", ""), SIGNER.keyRecord("")))
            .extracting(DkimResult::result, DkimResult::domain, DkimResult::selector, DkimResult::algorithm)
            .containsExactly(AuthResult.PASS, "example.com", "s1", "rsa-sha256");
    }

    @Test
    void failsWhenTheBodyChanges() {
        String signed = SIGNER.sign(MESSAGE, "example.com", "s1", "");
        DkimResult result = verify(signed.replace("Hello", "Jello"), SIGNER.keyRecord(""));
        assertThat(result.result()).isEqualTo(AuthResult.FAIL);
        assertThat(result.reason()).isEqualTo("body hash did not verify");
    }

    @Test
    void failsWhenASignedHeaderChanges() {
        String signed = SIGNER.sign(MESSAGE, "example.com", "s1", "");
        DkimResult result = verify(signed.replace("Subject: hi", "Subject: ho"), SIGNER.keyRecord(""));
        assertThat(result.result()).isEqualTo(AuthResult.FAIL);
        assertThat(result.reason()).isEqualTo("signature did not verify");
    }

    @Test
    void lengthTagAllowsAppendedText() {
        String signed = SIGNER.sign(MESSAGE, "example.com", "s1", "l=5; ");
        assertThat(verify(signed + "appended by a list\r\n", SIGNER.keyRecord("")).result()).isEqualTo(AuthResult.PASS);
    }

    @Test
    void expiredSignatureIsNeutral() {
        DkimResult result = verify(SIGNER.sign(MESSAGE, "example.com", "s1", "t=1; x=999999; "), SIGNER.keyRecord(""));
        assertThat(result.result()).isEqualTo(AuthResult.NEUTRAL);
        assertThat(result.reason()).isEqualTo("signature expired");
        assertThat(verify(SIGNER.sign(MESSAGE, "example.com", "s1", "t=1; x=1000000; "), SIGNER.keyRecord("")).result())
            .isEqualTo(AuthResult.PASS);
    }

    @Test
    void keyShorterThan1024BitsIsRefused() {
        TestSigner weak = new TestSigner(768);
        DkimResult result = verify(weak.sign(MESSAGE, "example.com", "s1", ""), weak.keyRecord(""));
        assertThat(result.result()).isEqualTo(AuthResult.POLICY);
    }

    @Test
    void keyRecordRestrictionsAreHonoured() {
        String subdomainIdentity = SIGNER.sign(MESSAGE, "example.com", "s1", "i=@mail.example.com; ");
        assertThat(verify(subdomainIdentity, SIGNER.keyRecord("")).result()).isEqualTo(AuthResult.PASS);
        assertThat(verify(subdomainIdentity, SIGNER.keyRecord("t=s; ")).result()).isEqualTo(AuthResult.POLICY);
        String signed = SIGNER.sign(MESSAGE, "example.com", "s1", "");
        assertThat(verify(signed, SIGNER.keyRecord("h=sha1; ")).result()).isEqualTo(AuthResult.POLICY);
        assertThat(verify(signed, SIGNER.keyRecord("s=other; ")).result()).isEqualTo(AuthResult.PERMERROR);
        assertThat(verify(signed, "v=DKIM1; p=").reason()).startsWith("key revoked");
    }

    @Test
    void missingKeyIsPermerrorAndDnsFailureTemperror() {
        String signed = SIGNER.sign(MESSAGE, "example.com", "s1", "");
        assertThat(verify(signed, null).result()).isEqualTo(AuthResult.PERMERROR);
        ObjectNode zone = new ObjectMapper().createObjectNode();
        zone.putObject("s1._domainkey.example.com").put("TIMEOUT", true);
        List<DkimResult> results = new DkimVerifier(new JsonFileResolver(zone), NOW)
            .verify(RawMessage.parse(signed.getBytes(StandardCharsets.ISO_8859_1)));
        assertThat(results.get(0).result()).isEqualTo(AuthResult.TEMPERROR);
    }

    @Test
    void aForgedBodyFailsBeforeAnyKeyIsLookedUp() {
        String forged = SIGNER.sign(MESSAGE, "example.com", "s1", "").replace("Hello", "Jello");
        ObjectNode zone = new ObjectMapper().createObjectNode();
        // Were the key asked for, this name would answer with a timeout: temperror.
        zone.putObject("s1._domainkey.example.com").put("TIMEOUT", true);
        DkimResult result = new DkimVerifier(new JsonFileResolver(zone), NOW)
            .verify(RawMessage.parse(forged.getBytes(StandardCharsets.ISO_8859_1))).get(0);
        assertThat(result.result()).isEqualTo(AuthResult.FAIL);
        assertThat(result.reason()).isEqualTo("body hash did not verify");
    }

    @Test
    void atMostTenSignaturesAreCheckedAndTheRestReportedAsOne() {
        String signed = SIGNER.sign(MESSAGE, "example.com", "s1", "");
        String signature = signed.substring(0, signed.indexOf("From: "));
        String many = signature.repeat(DkimVerifier.MAX_SIGNATURES + 5) + MESSAGE;
        ObjectNode zone = new ObjectMapper().createObjectNode();
        zone.putObject("s1._domainkey.example.com").putArray("TXT").add(SIGNER.keyRecord(""));
        List<DkimResult> results = new DkimVerifier(new JsonFileResolver(zone), NOW)
            .verify(RawMessage.parse(many.getBytes(StandardCharsets.ISO_8859_1)));
        assertThat(results).hasSize(DkimVerifier.MAX_SIGNATURES + 1);
        assertThat(results.subList(0, DkimVerifier.MAX_SIGNATURES)).extracting(DkimResult::result).containsOnly(AuthResult.PASS);
        assertThat(results.get(DkimVerifier.MAX_SIGNATURES).result()).isEqualTo(AuthResult.POLICY);
        assertThat(results.get(DkimVerifier.MAX_SIGNATURES).reason()).isEqualTo("5 more signatures not checked (at most 10 per mail)");
    }

    @Test
    void unsignedMessageHasNoResults() {
        assertThat(new DkimVerifier(new JsonFileResolver(new ObjectMapper().createObjectNode()), NOW)
            .verify(RawMessage.parse(MESSAGE.getBytes(StandardCharsets.ISO_8859_1)))).isEmpty();
    }

    @Test
    void malformedSignatureIsNeutral() {
        DkimResult result = verify("DKIM-Signature: v=1; a=rsa-sha256; d=example.com\r\n" + MESSAGE, SIGNER.keyRecord(""));
        assertThat(result.result()).isEqualTo(AuthResult.NEUTRAL);
    }

    private static DkimResult verify(String message, String keyRecord) {
        ObjectNode zone = new ObjectMapper().createObjectNode();
        if (keyRecord != null) {
            zone.putObject("s1._domainkey.example.com").putArray("TXT").add(keyRecord);
        }
        return new DkimVerifier(new JsonFileResolver(zone), NOW)
            .verify(RawMessage.parse(message.getBytes(StandardCharsets.ISO_8859_1))).get(0);
    }
}
