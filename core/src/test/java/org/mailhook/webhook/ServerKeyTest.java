package org.mailhook.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerKeyTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private static ServerKey key() {
        return new ServerKey(Base64.getUrlDecoder().decode(ServerKey.generate(RANDOM)), RANDOM);
    }

    @Test
    void sealedSecretOpensWithTheSameKeyOnlyAndNeverShowsTheSecret() {
        ServerKey key = key();
        String sealed = key.seal(SECRET);

        assertThat(sealed).startsWith("v1.").doesNotContain(SECRET).doesNotContain("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        assertThat(key.seal(SECRET)).as("a fresh nonce each time").isNotEqualTo(sealed);
        assertThat(key.open(sealed)).contains(SECRET);
        assertThat(key().open(sealed)).as("another server's key").isEmpty();
        char last = sealed.charAt(sealed.length() - 2);
        String tampered = sealed.substring(0, sealed.length() - 2) + (last == 'A' ? 'B' : 'A') + sealed.charAt(sealed.length() - 1);
        assertThat(key.open(tampered)).isEmpty();
        assertThat(key.open("v1.")).isEmpty();
        assertThat(key.open("v1.!!!")).isEmpty();
        assertThat(key.open(SECRET)).isEmpty();
    }

    @Test
    void linkSignaturesVerifyOnlyForTheSignedTextAndTheSameKey() {
        ServerKey key = key();
        String signature = key.signLink("m1/2/1765000000");

        assertThat(key.verifyLink("m1/2/1765000000", signature)).isTrue();
        assertThat(key.verifyLink("m1/2/1765000001", signature)).isFalse();
        assertThat(key.verifyLink("m1/3/1765000000", signature)).isFalse();
        assertThat(key().verifyLink("m1/2/1765000000", signature)).isFalse();
        assertThat(key.verifyLink("m1/2/1765000000", "")).isFalse();
    }

    @Test
    void keyFileIsBase64OfAtLeast32BytesAndErrorsNameTheFileNotTheContent(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("server.key");
        Files.writeString(good, ServerKey.generate(RANDOM) + "\n", StandardCharsets.US_ASCII);
        ServerKey read = ServerKey.read(good, RANDOM);
        assertThat(read.open(read.seal("x"))).contains("x");
        assertThat(read.toString()).doesNotContain(Files.readString(good).strip());

        Path standard = dir.resolve("standard.key");
        byte[] bytes = new byte[48];
        RANDOM.nextBytes(bytes);
        Files.writeString(standard, Base64.getEncoder().encodeToString(bytes));
        assertThat(ServerKey.read(standard, RANDOM)).isNotNull();

        Path shortKey = dir.resolve("short.key");
        Files.writeString(shortKey, Base64.getEncoder().encodeToString(new byte[16]));
        assertThatThrownBy(() -> ServerKey.read(shortKey, RANDOM)).hasMessageContaining("short.key").hasMessageContaining("at least 32");

        Path notBase64 = dir.resolve("text.key");
        Files.writeString(notBase64, "not a key at all %%%");
        assertThatThrownBy(() -> ServerKey.read(notBase64, RANDOM)).hasMessageContaining("text.key").hasMessageNotContaining("%%%");

        assertThatThrownBy(() -> ServerKey.read(dir.resolve("missing.key"), RANDOM)).hasMessageContaining("missing.key");
    }
}
