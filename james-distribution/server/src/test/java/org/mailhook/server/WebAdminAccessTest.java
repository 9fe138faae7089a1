package org.mailhook.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebAdminAccessTest {
    private static final String PEM = "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n";

    @Test
    void loopbackIsLocalhostOrALoopbackLiteralNeverAName() {
        assertThat(List.of("127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost", "LOCALHOST", " 127.0.0.1 "))
            .allMatch(WebAdminAccess::isLoopback);
        assertThat(List.of("0.0.0.0", "::", "10.0.0.5", "192.168.1.1", "mx.example", "localhost.example", "127.0.0.1.nip.io", ""))
            .noneMatch(WebAdminAccess::isLoopback);
    }

    @Test
    void theShippedLoopbackListenerPassesAndAnEmptyKeyUrlIsLeftOut(@TempDir Path conf) throws Exception {
        write(conf, "enabled=true\nhost=127.0.0.1\njwt.enabled=false\njwt.publickeypem.url=\ncors.enable=false\n");
        assertThat(WebAdminAccess.check(conf)).isEmpty();
        assertThat(Files.readString(conf.resolve("webadmin.properties")))
            .isEqualTo("enabled=true\nhost=127.0.0.1\njwt.enabled=false\ncors.enable=false\n");
    }

    @Test
    void beyondLoopbackWithoutJwtIsRefusedNamingFileAndKeys(@TempDir Path conf) throws Exception {
        for (String host : List.of("0.0.0.0", "::", "10.1.2.3", "mx.example")) {
            write(conf, "enabled=true\nhost=" + host + "\njwt.enabled=false\n");
            assertThatThrownBy(() -> WebAdminAccess.check(conf))
                .hasMessageStartingWith("webadmin.properties: host=" + host + " listens beyond loopback with jwt.enabled=false");
        }
        // A disabled WebAdmin listens nowhere.
        write(conf, "enabled=false\nhost=0.0.0.0\njwt.enabled=false\n");
        assertThat(WebAdminAccess.check(conf)).isEmpty();
    }

    @Test
    void beyondLoopbackWithJwtButPlainHttpWarnsAndAPlainKeyPathBecomesAFileUrl(@TempDir Path dir) throws Exception {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Path key = dir.resolve("keys/jwt.pub");
        Files.createDirectories(key.getParent());
        Files.writeString(key, PEM);
        write(conf, "enabled=true\nhost=0.0.0.0\nhttps.enabled=false\njwt.enabled=true\njwt.publickeypem.url=" + key + "\n");
        assertThat(WebAdminAccess.check(conf)).singleElement().asString()
            .contains("host=0.0.0.0 listens beyond loopback over plain HTTP (https.enabled=false)");
        assertThat(Files.readString(conf.resolve("webadmin.properties"))).contains("jwt.publickeypem.url=file://" + key + "\n");

        write(conf, "enabled=true\nhost=0.0.0.0\nhttps.enabled=true\njwt.enabled=TRUE\njwt.publickeypem.url=file://" + key + "\n");
        assertThat(WebAdminAccess.check(conf)).isEmpty();
        // file:// relative to James' working directory (the data directory)
        Files.writeString(conf.resolve("jwt.pub"), PEM);
        write(conf, "enabled=true\nhost=127.0.0.1\njwt.enabled=true\njwt.publickeypem.url=file://conf/jwt.pub\n");
        assertThat(WebAdminAccess.check(conf)).isEmpty();
        assertThat(Files.readString(conf.resolve("webadmin.properties"))).contains("jwt.publickeypem.url=file://conf/jwt.pub\n");
    }

    @Test
    void jwtNeedsAReadablePemPublicKey(@TempDir Path conf) throws Exception {
        write(conf, "enabled=true\nhost=127.0.0.1\njwt.enabled=true\njwt.publickeypem.url=\n");
        assertThatThrownBy(() -> WebAdminAccess.check(conf)).hasMessageContaining("jwt.enabled=true needs jwt.publickeypem.url")
            .hasMessageContaining("MAILHOOK_WEBADMIN_JWT_PUBLIC_KEY");
        write(conf, "enabled=true\nhost=127.0.0.1\njwt.enabled=true\njwt.publickeypem.url=" + conf.resolve("missing.pub") + "\n");
        assertThatThrownBy(() -> WebAdminAccess.check(conf)).hasMessageContaining("jwt.publickeypem.url: ")
            .hasMessageContaining("is not a readable file");
        Files.writeString(conf.resolve("private.pem"), "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n");
        write(conf, "enabled=true\nhost=127.0.0.1\njwt.enabled=true\njwt.publickeypem.url=" + conf.resolve("private.pem") + "\n");
        assertThatThrownBy(() -> WebAdminAccess.check(conf)).hasMessageContaining("is not a PEM public key");
    }

    @Test
    void aBooleanThatIsNeitherTrueNorFalseIsRefused(@TempDir Path conf) throws Exception {
        write(conf, "enabled=true\nhost=0.0.0.0\njwt.enabled=yes please\n");
        assertThatThrownBy(() -> WebAdminAccess.check(conf))
            .hasMessage("webadmin.properties: jwt.enabled=yes please is neither true nor false");
    }

    private static void write(Path conf, String text) throws Exception {
        Files.writeString(conf.resolve("webadmin.properties"), text);
    }
}
