package org.mailhook.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.joran.spi.JoranException;
import org.apache.james.ExtraProperties;
import org.apache.james.FakeSearchMailboxModule;
import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerMain;
import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.MemoryJamesServerMain;
import org.apache.james.modules.RunArgumentsModule;

import org.slf4j.LoggerFactory;

import com.google.inject.Module;

/**
 * Starts James 3.8.1 (memory app) with durable mail queues (embedded ActiveMQ, or RabbitMQ: {@link #queueModule}). The shipped {@code conf/} (templates) is
 * rendered into {@code DATA/conf}, and {@code DATA} becomes James' working directory, so every byte
 * the server keeps (queues, mail repositories, keystore) lives under one data directory.
 *
 * <p>System properties: {@code mailhook.home} (the server folder, required) and
 * {@code mailhook.data} (default {@code MAILHOOK_DATA_DIR} or {@code HOME/data}).
 */
public final class MailhookServer {

    private MailhookServer() {
    }

    /**
     * On a first start James' keystore creator logs before DATA/conf/logback.xml exists, and logback
     * falls back to printing everything at DEBUG: read the rendered file again once it is there.
     */
    private static void reloadLogging() throws JoranException {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.reset();
            new ContextInitializer(context).autoConfig();
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        Path home = Path.of(required("mailhook.home")).toAbsolutePath().normalize();
        Path data = Path.of(System.getProperty("mailhook.data",
            env.getOrDefault("MAILHOOK_DATA_DIR", home.resolve("data").toString()))).toAbsolutePath().normalize();
        // Every mail and the rendered secrets live here: owner-only (0700), whatever the umask.
        ServerFiles.ownerOnlyDirectory(data);
        ServerFiles.ownerOnlyDirectory(data.resolve("var"));
        List<String> warnings = List.of();
        try {
            env = TlsKeystore.prepare(data, env);
            env = ServerKeyFile.prepare(data, env);
            env = withLinkBase(env);
            ConfigTemplates.render(home.resolve("conf"), data.resolve("conf"), env);
            // Before James starts: it would listen wherever webadmin.properties says, with or without JWT.
            warnings = WebAdminAccess.check(data.resolve("conf"));
        } catch (ConfigTemplates.ConfigException e) {
            System.err.println("mailhook-server: configuration error: " + e.getMessage());
            System.exit(2);
        }
        // Logback reads the rendered DATA/conf/logback.xml (bin script), so log only now.
        reloadLogging();
        warnings.forEach(warning -> LoggerFactory.getLogger(MailhookServer.class).warn(warning));

        syncExtensions(home.resolve("extensions-jars"), data.resolve("extensions-jars"));

        ExtraProperties.initialize();
        MemoryJamesConfiguration configuration = MemoryJamesConfiguration.builder()
            .workingDirectory(data.toFile())
            .build();
        List<String> runArguments = new ArrayList<>(List.of(args));
        // TlsKeystore made the self-signed keystore; James generates one only for an operator's missing MAILHOOK_TLS_KEYSTORE.
        if (!runArguments.contains("--generate-keystore")) {
            runArguments.add("--generate-keystore");
        }
        Module queues;
        try {
            queues = queueModule(env, data);
        } catch (IllegalArgumentException e) {
            System.err.println("mailhook-server: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        GuiceJamesServer server = MemoryJamesServerMain.createServer(configuration)
            .combineWith(new FakeSearchMailboxModule())
            .overrideWith(queues, new RunArgumentsModule(runArguments.toArray(String[]::new)));
        try {
            JamesServerMain.main(server);
        } catch (Exception e) {
            System.err.println("mailhook-server: James failed to start: " + rootMessage(e));
            e.printStackTrace();
            System.exit(1);
        }
    }

    /**
     * Attachment links point at WebAdmin; unless {@code MAILHOOK_ATTACHMENT_LINK_BASE} names how receivers
     * reach it (a proxy, TLS), at WebAdmin's own host and port.
     */
    static Map<String, String> withLinkBase(Map<String, String> env) {
        String base = env.get("MAILHOOK_ATTACHMENT_LINK_BASE");
        if (base != null && !base.isBlank()) {
            return env;
        }
        String host = env.getOrDefault("MAILHOOK_WEBADMIN_HOST", "127.0.0.1").trim();
        if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("::")) {
            host = "127.0.0.1";
        }
        String port = env.getOrDefault("MAILHOOK_WEBADMIN_PORT", "8000").trim();
        Map<String, String> withBase = new java.util.HashMap<>(env);
        withBase.put("MAILHOOK_ATTACHMENT_LINK_BASE", "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
        return withBase;
    }

    /**
     * {@code MAILHOOK_QUEUE}: {@code activemq} (default, embedded, one node) or {@code rabbitmq} (James'
     * RabbitMQ mail queue at {@code MAILHOOK_RABBITMQ_URI}, several nodes; mail content in the file blob
     * store at {@code MAILHOOK_BLOB_DIR}, default {@code DATA/var/blobs}).
     */
    static Module queueModule(Map<String, String> env, Path data) {
        String queue = env.getOrDefault("MAILHOOK_QUEUE", "activemq").trim();
        return switch (queue) {
            case "activemq", "" -> new DurableQueuesModule();
            case "rabbitmq" -> new RabbitMqQueueModule(Map.of(
                    "uri", env.getOrDefault("MAILHOOK_RABBITMQ_URI", "amqp://guest:guest@127.0.0.1:5672"),
                    "management.uri", env.getOrDefault("MAILHOOK_RABBITMQ_MANAGEMENT_URI", "http://127.0.0.1:15672"),
                    "management.user", env.getOrDefault("MAILHOOK_RABBITMQ_MANAGEMENT_USER", "guest"),
                    "management.password", env.getOrDefault("MAILHOOK_RABBITMQ_MANAGEMENT_PASSWORD", "guest")),
                Path.of(env.getOrDefault("MAILHOOK_BLOB_DIR", data.resolve("var/blobs").toString())).toAbsolutePath());
            default -> throw new IllegalArgumentException("MAILHOOK_QUEUE is '" + queue + "': use activemq or rabbitmq");
        };
    }

    /**
     * James loads extension jars from the working directory's {@code extensions-jars/}; the working
     * directory is the data directory, so the server folder's jars are mirrored there at each start.
     */
    private static void syncExtensions(Path source, Path target) throws IOException {
        Files.createDirectories(target);
        Set<String> shipped = new HashSet<>();
        if (Files.isDirectory(source)) {
            try (Stream<Path> jars = Files.list(source)) {
                for (Path jar : (Iterable<Path>) jars.filter(p -> p.toString().endsWith(".jar"))::iterator) {
                    shipped.add(jar.getFileName().toString());
                    Files.copy(jar, target.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        try (Stream<Path> jars = Files.list(target)) {
            for (Path jar : (Iterable<Path>) jars::iterator) {
                if (!shipped.contains(jar.getFileName().toString())) {
                    Files.delete(jar);
                }
            }
        }
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            System.err.println("mailhook-server: system property " + property + " is required (the bin/ script sets it)");
            System.exit(2);
        }
        return value;
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        StringBuilder messages = new StringBuilder(String.valueOf(e.getMessage()));
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
            messages.append(" <- ").append(cause.getMessage());
        }
        return messages.toString();
    }
}
