package org.mailhook.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;

class WebhookSignatureTest {
    private static final byte[] PAYLOAD = "{\"type\":\"mail.received\",\"subject\":\"Grüße\"}".getBytes(StandardCharsets.UTF_8);
    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void officialJavaLibraryVerifiesOurSignatureWithEachRotatedSecret() throws Exception {
        String current = WebhookSecret.generate(RANDOM);
        String previous = WebhookSecret.generate(RANDOM);
        long now = Instant.now().getEpochSecond();
        String header = WebhookSignature.sign(List.of(WebhookSecret.parse(current), WebhookSecret.parse(previous)),
            "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", now, PAYLOAD);
        Map<String, List<String>> headers = Map.of(
            "webhook-id", List.of("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"),
            "webhook-timestamp", List.of(Long.toString(now)),
            "webhook-signature", List.of(header));
        String body = new String(PAYLOAD, StandardCharsets.UTF_8);

        new Webhook(current).verify(body, headers);
        new Webhook(previous).verify(body, headers);
        assertThatThrownBy(() -> new Webhook(WebhookSecret.generate(RANDOM)).verify(body, headers))
            .isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void officialJavaLibrarySignsWhatWeVerify() throws Exception {
        String secret = WebhookSecret.generate(RANDOM);
        long now = Instant.now().getEpochSecond();
        String header = new Webhook(secret).sign("msg_1", now, new String(PAYLOAD, StandardCharsets.UTF_8));
        assertThat(WebhookSignature.verify(WebhookSecret.parse(secret), "msg_1", Long.toString(now), header, PAYLOAD,
            Clock.systemUTC(), WebhookSignature.DEFAULT_TOLERANCE)).isEmpty();
    }

    @Test
    void timestampsThatAreNotPlainSecondsOrBeyondAnInstantAreRefused() {
        // found by FuzzCampaignTest: Instant.ofEpochSecond threw DateTimeException on these
        WebhookSecret secret = WebhookSecret.parse(WebhookSecret.generate(RANDOM));
        for (String timestamp : List.of("1700000000\u0000", "+1700000000", "-1", "17e8")) {
            assertThat(WebhookSignature.verify(secret, "msg_1", timestamp, "v1,AAAA", PAYLOAD, Clock.systemUTC(),
                WebhookSignature.DEFAULT_TOLERANCE)).contains("webhook-timestamp is not a number");
        }
        for (String timestamp : List.of("9223372036854775807", "31556889864403200")) {
            assertThat(WebhookSignature.verify(secret, "msg_1", timestamp, "v1,AAAA", PAYLOAD, Clock.systemUTC(),
                WebhookSignature.DEFAULT_TOLERANCE)).hasValueSatisfying(reason -> assertThat(reason).matches("webhook-timestamp too (old|new)"));
        }
    }

    @Test
    void ed25519MatchesRfc8032TestVector1() {
        // RFC 8032 section 7.1, TEST 1: the signature of the empty message.
        byte[] seed = HexFormat.of().parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        WebhookSigningKey key = WebhookSigningKey.parse("whsk_" + Base64.getEncoder().encodeToString(seed));
        assertThat(HexFormat.of().formatHex(key.publicKey().raw()))
            .isEqualTo("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        assertThat(HexFormat.of().formatHex(key.sign(new byte[0]))).isEqualTo(
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
    }

    @Test
    void asymmetricSignatureVerifiesWithThePublicKeyAlongsideHmac() {
        WebhookSigningKey key = WebhookSigningKey.parse(WebhookSigningKey.generate(RANDOM));
        WebhookSecret secret = WebhookSecret.parse(WebhookSecret.generate(RANDOM));
        Clock clock = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);
        String header = WebhookSignature.sign(List.of(secret), Optional.of(key), "msg_1", 1_700_000_000L, PAYLOAD);

        assertThat(header).matches("v1,\\S+ v1a,\\S+");
        WebhookPublicKey published = WebhookPublicKey.parse(key.publicKey().toString());
        assertThat(WebhookSignature.verify(published, "msg_1", "1700000000", header, PAYLOAD, clock,
            WebhookSignature.DEFAULT_TOLERANCE)).isEmpty();
        assertThat(WebhookSignature.verify(secret, "msg_1", "1700000000", header, PAYLOAD, clock,
            WebhookSignature.DEFAULT_TOLERANCE)).isEmpty();
        assertThat(WebhookSignature.verify(published, "msg_1", "1700000000", header, "{}".getBytes(StandardCharsets.UTF_8),
            clock, WebhookSignature.DEFAULT_TOLERANCE)).contains("no matching signature");
        WebhookPublicKey other = WebhookSigningKey.parse(WebhookSigningKey.generate(RANDOM)).publicKey();
        assertThat(WebhookSignature.verify(other, "msg_1", "1700000000", header, PAYLOAD, clock,
            WebhookSignature.DEFAULT_TOLERANCE)).contains("no matching signature");
    }

    @Test
    void libsodiumSixtyFourByteKeysAreAcceptedOnlyWhenConsistent() {
        WebhookSigningKey key = WebhookSigningKey.parse(WebhookSigningKey.generate(RANDOM));
        byte[] seed = Base64.getDecoder().decode(WebhookSigningKey.generate(RANDOM).substring(5));
        byte[] own = WebhookSigningKey.parse("whsk_" + Base64.getEncoder().encodeToString(seed)).publicKey().raw();
        byte[] full = new byte[64];
        System.arraycopy(seed, 0, full, 0, 32);
        System.arraycopy(own, 0, full, 32, 32);
        assertThat(WebhookSigningKey.parse("whsk_" + Base64.getEncoder().encodeToString(full)).publicKey().raw())
            .isEqualTo(own);
        System.arraycopy(key.publicKey().raw(), 0, full, 32, 32);
        assertThatThrownBy(() -> WebhookSigningKey.parse("whsk_" + Base64.getEncoder().encodeToString(full)))
            .hasMessageContaining("does not match");
    }

    @Test
    void keysNeverShowTheirSecretPart() {
        String text = WebhookSigningKey.generate(RANDOM);
        assertThat(WebhookSigningKey.parse(text).toString()).isEqualTo("whsk_***");
        assertThat(WebhookSecret.parse(WebhookSecret.generate(RANDOM)).toString()).isEqualTo("whsec_***");
        assertThatThrownBy(() -> WebhookSigningKey.parse("whsk_" + text.substring(5, 20)))
            .hasMessageNotContaining(text.substring(5, 20));
    }

    @Test
    void idsWithTheSeparatorAreRefused() {
        WebhookSecret secret = WebhookSecret.parse(WebhookSecret.generate(RANDOM));
        assertThatThrownBy(() -> WebhookSignature.sign(List.of(secret), "msg.1", 1L, PAYLOAD))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
