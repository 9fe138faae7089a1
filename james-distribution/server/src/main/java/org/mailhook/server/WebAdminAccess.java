package org.mailhook.server;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Pattern;

import org.mailhook.server.ConfigTemplates.ConfigException;

/**
 * Who may reach WebAdmin, checked on the rendered {@code webadmin.properties} before James starts.
 * James 3.8.1 listens wherever {@code host} says with no authentication unless {@code jwt.enabled} is
 * true, so a listener beyond loopback without JWT is refused here, naming the file and the keys. With
 * JWT on, {@code jwt.publickeypem.url} must name a readable PEM public key: a plain path (what
 * {@code MAILHOOK_WEBADMIN_JWT_PUBLIC_KEY} usually holds) is rewritten to the {@code file://} URL James
 * reads; an empty value is left out of the file, since James would try to read "" as a key.
 */
public final class WebAdminAccess {
    static final String FILE = "webadmin.properties";
    private static final Pattern KEY_LINE = Pattern.compile("(?m)^[ \\t]*jwt\\.publickeypem\\.url[ \\t]*[=:].*$\\n?");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private WebAdminAccess() {
    }

    /**
     * Checks (and normalises the key URL of) {@code conf/webadmin.properties}.
     *
     * @return warnings to log (listening beyond loopback over plain HTTP)
     * @throws ConfigException naming the file and the key
     */
    public static List<String> check(Path conf) throws IOException {
        Path file = conf.resolve(FILE);
        List<String> warnings = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return warnings;
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        boolean enabled = bool(properties, "enabled", false);
        boolean jwt = bool(properties, "jwt.enabled", false);
        boolean https = bool(properties, "https.enabled", false);
        String keyUrl = properties.getProperty("jwt.publickeypem.url", "").trim();
        String host = properties.getProperty("host", "localhost").trim();

        String rewrittenKey = null;
        if (jwt) {
            if (keyUrl.isEmpty()) {
                throw new ConfigException(FILE + ": jwt.enabled=true needs jwt.publickeypem.url, the PEM public key that verifies"
                    + " tokens (set MAILHOOK_WEBADMIN_JWT_PUBLIC_KEY to its path)");
            }
            Path key = keyPath(keyUrl, conf.getParent());
            if (key != null) {
                if (!Files.isReadable(key)) {
                    throw new ConfigException(FILE + ": jwt.publickeypem.url: " + key + " is not a readable file"
                        + " (MAILHOOK_WEBADMIN_JWT_PUBLIC_KEY)");
                }
                if (!Files.readString(key, StandardCharsets.US_ASCII).contains("-----BEGIN PUBLIC KEY-----")) {
                    throw new ConfigException(FILE + ": jwt.publickeypem.url: " + key + " is not a PEM public key"
                        + " (-----BEGIN PUBLIC KEY-----; openssl rsa -in KEY -pubout)");
                }
                if (!keyUrl.startsWith("file://")) {
                    rewrittenKey = "file://" + key;
                }
            }
        }
        if (enabled && !isLoopback(host)) {
            if (!jwt) {
                throw new ConfigException(FILE + ": host=" + host + " listens beyond loopback with jwt.enabled=false, so anyone"
                    + " who reaches the port could read every mail: set jwt.enabled=true (MAILHOOK_WEBADMIN_JWT=true and"
                    + " MAILHOOK_WEBADMIN_JWT_PUBLIC_KEY) or host=127.0.0.1 (MAILHOOK_WEBADMIN_HOST)");
            }
            if (!https) {
                warnings.add(FILE + ": host=" + host + " listens beyond loopback over plain HTTP (https.enabled=false):"
                    + " bearer tokens and mail cross the network unencrypted; enable https.* or put a TLS proxy in front");
            }
        }

        String text = Files.readString(file, StandardCharsets.UTF_8);
        String rewritten = text;
        if (keyUrl.isEmpty()) {
            rewritten = KEY_LINE.matcher(text).replaceAll("");
        } else if (rewrittenKey != null && !rewrittenKey.equals(keyUrl)) {
            rewritten = KEY_LINE.matcher(text).replaceAll(java.util.regex.Matcher.quoteReplacement(
                "jwt.publickeypem.url=" + rewrittenKey.replace("\\", "\\\\") + "\n"));
        }
        if (!rewritten.equals(text)) {
            Files.writeString(file, rewritten, StandardCharsets.UTF_8);
        }
        return warnings;
    }

    /** Whether {@code host} is a loopback listener: localhost or a loopback IP literal (names are not resolved). */
    static boolean isLoopback(String host) {
        String bare = host.trim();
        if (bare.startsWith("[") && bare.endsWith("]")) {
            bare = bare.substring(1, bare.length() - 1);
        }
        if (bare.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!IPV4.matcher(bare).matches() && !bare.contains(":")) {
            return false;
        }
        try {
            return InetAddress.getByName(bare).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * The local file a key URL names, or null for other schemes ({@code classpath:}): {@code file://…} as
     * James reads it (relative to its working directory, the data directory), a plain path as the shell
     * that started the server meant it (relative to its current directory).
     */
    private static Path keyPath(String url, Path workingDirectory) {
        if (url.startsWith("file://")) {
            return workingDirectory.resolve(url.substring("file://".length())).toAbsolutePath().normalize();
        }
        if (url.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*") && !url.matches("^[A-Za-z]:[\\\\/].*")) {
            return null;
        }
        return Path.of(url).toAbsolutePath().normalize();
    }

    private static boolean bool(Properties properties, String key, boolean defaultValue) {
        String value = properties.getProperty(key);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(FILE + ": " + key + "=" + value.trim() + " is neither true nor false");
        };
    }
}
