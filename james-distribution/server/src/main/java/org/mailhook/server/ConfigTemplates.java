package org.mailhook.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Renders the shipped {@code conf/} into the data directory, replacing {@code ${env:NAME}} and
 * {@code ${env:NAME:-default}} with environment values. James 3.8.1 reads plain files and has no
 * defaults syntax, so this is what lets ports, the data directory and the webhook URL/secret be set
 * per instance. A missing variable without a default stops startup naming the file and the key.
 * Rendered files are owner-only ({@code 0600}, directories {@code 0700}) where POSIX permissions exist.
 */
public final class ConfigTemplates {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private ConfigTemplates() {
    }

    public static void render(Path sourceDir, Path targetDir, Map<String, String> env) throws IOException {
        if (!Files.isDirectory(sourceDir)) {
            throw new ConfigException("configuration directory " + sourceDir + " does not exist");
        }
        ServerFiles.ownerOnlyDirectory(targetDir);
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(sourceDir)) {
            walk.filter(Files::isRegularFile).forEach(files::add);
        }
        // Rendered files hold secrets (the webhook secret, the keystore password): owner-only, 0600 in 0700.
        for (Path source : files) {
            Path target = targetDir.resolve(sourceDir.relativize(source).toString());
            ServerFiles.ownerOnlyDirectory(target.getParent());
            if (isText(source)) {
                String text = Files.readString(source, StandardCharsets.UTF_8);
                ServerFiles.writeOwnerOnly(target,
                    substitute(text, env, source, source.toString().endsWith(".xml")).getBytes(StandardCharsets.UTF_8));
            } else {
                ServerFiles.writeOwnerOnly(target, Files.readAllBytes(source));
            }
        }
    }

    static String substitute(String text, Map<String, String> env, Path file, boolean xml) {
        Matcher matcher = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String value = env.get(name);
            if (value == null || value.isEmpty()) {
                value = matcher.group(2);
            }
            if (value == null) {
                int line = (int) text.substring(0, matcher.start()).chars().filter(c -> c == '\n').count() + 1;
                throw new ConfigException(file.getFileName() + ":" + line + ": environment variable " + name
                    + " is required (no default) in " + file);
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(xml ? escapeXml(value) : value));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static boolean isText(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".xml") || name.endsWith(".properties") || name.endsWith(".json") || name.endsWith(".conf");
    }

    private static String escapeXml(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** A configuration problem: the message names the file and the key. */
    public static final class ConfigException extends RuntimeException {
        public ConfigException(String message) {
            super(message);
        }
    }
}
