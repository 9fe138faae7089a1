package org.mailhook.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The server key (mailhook.properties {@code secrets.keyFile}) seals instant-address secrets, signs
 * attachment links and, unless {@code storage.keyFiles} names other keys, seals the stored mail.
 * Unless the operator names a key file in {@code MAILHOOK_SERVER_KEY_FILE} (the same file on every
 * node of a cluster), the first start writes 32 random bytes to
 * {@code DATA/conf/server.key}, owner-only ({@code 0600}); later starts reuse it.
 */
final class ServerKeyFile {
    static final String VARIABLE = "MAILHOOK_SERVER_KEY_FILE";
    static final String GENERATED = "conf/server.key";

    private ServerKeyFile() {
    }

    /** @return the environment to render the configuration with: {@code env} plus the generated key file, unless the operator named one */
    static Map<String, String> prepare(Path data, Map<String, String> env) throws IOException {
        String named = env.get(VARIABLE);
        if (named != null && !named.isBlank()) {
            return env;
        }
        ServerFiles.ownerOnlyDirectory(data.resolve("conf"));
        Path file = data.resolve(GENERATED);
        if (!Files.exists(file)) {
            // The format org.mailhook.webhook.ServerKey reads (the core is in the extension jar, not on the main's class path).
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            ServerFiles.writeOwnerOnly(file, Base64.getUrlEncoder().withoutPadding().encode(key));
        }
        ServerFiles.ownerOnlyFile(file);
        Map<String, String> withKey = new HashMap<>(env);
        withKey.put(VARIABLE, file.toAbsolutePath().toString());
        return withKey;
    }
}
