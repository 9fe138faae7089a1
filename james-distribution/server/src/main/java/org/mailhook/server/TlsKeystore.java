package org.mailhook.server;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.utils.KeystoreCreator;

/**
 * The STARTTLS keystore's password is never a shipped constant. Unless the operator supplies both
 * {@code MAILHOOK_TLS_KEYSTORE} and {@code MAILHOOK_TLS_KEYSTORE_PASSWORD}, the first start writes a
 * random password to {@code DATA/conf/keystore.password} and a self-signed PKCS12 keystore to
 * {@code DATA/conf/keystore}, both owner-only ({@code 0600}); later starts reuse them. A keystore left
 * by an earlier version, made with the password that version shipped, is replaced.
 */
final class TlsKeystore {
    static final String KEYSTORE_VARIABLE = "MAILHOOK_TLS_KEYSTORE";
    static final String PASSWORD_VARIABLE = "MAILHOOK_TLS_KEYSTORE_PASSWORD";
    static final String KEYSTORE = "conf/keystore";
    static final String PASSWORD_FILE = "conf/keystore.password";

    private TlsKeystore() {
    }

    /**
     * @return the environment to render the configuration with: {@code env} plus the generated
     *         password, unless the operator supplied one
     * @throws ConfigTemplates.ConfigException when the operator supplied a keystore but no password for it
     */
    static Map<String, String> prepare(Path data, Map<String, String> env) throws IOException {
        String password = env.get(PASSWORD_VARIABLE);
        if (password != null && !password.isEmpty()) {
            return env;
        }
        String keystore = env.get(KEYSTORE_VARIABLE);
        if (keystore != null && !keystore.isEmpty() && !keystore.equals("file://" + KEYSTORE)) {
            throw new ConfigTemplates.ConfigException(KEYSTORE_VARIABLE + " is set: set " + PASSWORD_VARIABLE
                + " to its password as well (there is no default password)");
        }
        ServerFiles.ownerOnlyDirectory(data.resolve("conf"));
        Path passwordFile = data.resolve(PASSWORD_FILE);
        Path keystoreFile = data.resolve(KEYSTORE);
        if (!Files.exists(passwordFile)) {
            if (Files.deleteIfExists(keystoreFile)) {
                System.err.println("mailhook-server: replacing " + keystoreFile + ": it was generated with the password"
                    + " earlier versions shipped; a new self-signed keystore gets a random password");
            }
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            ServerFiles.writeOwnerOnly(passwordFile, Base64.getUrlEncoder().withoutPadding().encode(random));
        }
        ServerFiles.ownerOnlyFile(passwordFile);
        password = Files.readString(passwordFile, StandardCharsets.US_ASCII).strip();
        if (!Files.exists(keystoreFile)) {
            generate(keystoreFile, password);
        }
        ServerFiles.ownerOnlyFile(keystoreFile);
        Map<String, String> withPassword = new HashMap<>(env);
        withPassword.put(PASSWORD_VARIABLE, password);
        return withPassword;
    }

    /** James' own generator (self-signed, RSA 2048, one year), written to a temporary name in the owner-only directory and moved. */
    private static void generate(Path keystoreFile, String password) throws IOException {
        Path temp = keystoreFile.resolveSibling("." + keystoreFile.getFileName() + ".new");
        Files.deleteIfExists(temp);
        try {
            new KeystoreCreator(new SingleFile(temp.toFile())).generateKeystore("file://" + KEYSTORE, password, "PKCS12");
            ServerFiles.ownerOnlyFile(temp);
            Files.move(temp, keystoreFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot generate the STARTTLS keystore " + keystoreFile + ": " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** A James file system that resolves every URL to one file: where the generator writes. */
    private record SingleFile(File file) implements FileSystem {
        @Override
        public InputStream getResource(String url) throws IOException {
            return Files.newInputStream(file.toPath());
        }

        @Override
        public File getFile(String fileURL) throws FileNotFoundException {
            return file;
        }

        @Override
        public File getBasedir() throws FileNotFoundException {
            return file.getParentFile();
        }
    }
}
