package org.mailhook.server.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The assembled server folder ({@code james-distribution/server/target/mailhook}) started as a
 * separate process, exactly as an operator starts it, on free loopback ports and a data directory
 * of its own. Output goes to {@code DATA/server.out}; a failed start prints its tail.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(5);

    private final Path home;
    private final Path data;
    private final Map<String, String> env;
    private final List<String> command;
    private Process process;
    private final int smtpPort;
    private final int webadminPort;

    private ServerProcess(Path home, Path data, Map<String, String> env, List<String> command, int smtpPort, int webadminPort) {
        this.home = home;
        this.data = data;
        this.env = env;
        this.command = command;
        this.smtpPort = smtpPort;
        this.webadminPort = webadminPort;
    }

    public static Path home() {
        Path home = Path.of(System.getProperty("mailhook.server.dir", "target/mailhook")).toAbsolutePath();
        return checkedHome(home);
    }

    private static Path checkedHome(Path home) {
        if (!Files.isExecutable(home.resolve("bin/mailhook-server"))) {
            throw new IllegalStateException("server folder not assembled at " + home + ": run mvn package first");
        }
        return home;
    }

    /**
     * A Mailhook server delivering to {@code webhookUrl} with {@code secret}; extra env overrides. Its
     * receivers are on loopback, so it opts in with {@code MAILHOOK_WEBHOOK_ALLOW_LOOPBACK=true}
     * ({@link #withoutLoopbackOptIn()} starts it with the shipped default instead).
     */
    public static ServerProcess mailhook(Path data, String webhookUrl, String secret, Map<String, String> extraEnv) throws IOException {
        return mailhook(home(), data, webhookUrl, secret, extraEnv);
    }

    /** As {@link #mailhook(Path, String, String, Map)}, from another server folder (e.g. one with a changed conf/). */
    public static ServerProcess mailhook(Path home, Path data, String webhookUrl, String secret, Map<String, String> extraEnv)
        throws IOException {
        checkedHome(home);
        int smtp = freePort();
        int webadmin = freePort();
        Map<String, String> env = new HashMap<>();
        env.put("MAILHOOK_DATA_DIR", data.toString());
        env.put("MAILHOOK_SMTP_PORT", Integer.toString(smtp));
        env.put("MAILHOOK_WEBADMIN_PORT", Integer.toString(webadmin));
        env.put("MAILHOOK_WEBHOOK_URL", webhookUrl);
        env.put("MAILHOOK_WEBHOOK_ALLOW_LOOPBACK", "true");
        if (secret != null) {
            env.put("MAILHOOK_WEBHOOK_SECRET", secret);
        }
        env.put("MAILHOOK_LOG_LEVEL", "WARN");
        env.put("MAILHOOK_JAVA_OPTS", "-Xms64m -Xmx512m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        env.putAll(extraEnv);
        return new ServerProcess(home, data, env, List.of(home.resolve("bin/mailhook-server").toString()), smtp, webadmin);
    }

    /** Any command with this server folder's environment conventions (e.g. a stock James main). */
    public static ServerProcess custom(Path data, List<String> command, Map<String, String> env, int smtpPort, int webadminPort) {
        return new ServerProcess(home(), data, new HashMap<>(env), command, smtpPort, webadminPort);
    }

    /**
     * The same server started through {@code prefix} (e.g. {@code unshare -m sh -c '… exec "$@"' sh}): the
     * prefix must end by exec'ing the server command appended to it, so {@link #pid()} stays James' pid.
     */
    public ServerProcess wrappedIn(List<String> prefix) {
        List<String> wrapped = new ArrayList<>(prefix);
        wrapped.addAll(command);
        return new ServerProcess(home, data, env, wrapped, smtpPort, webadminPort);
    }

    /** The pid of the started command. */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Leaves MAILHOOK_JAVA_OPTS unset, so the start script's defaults apply. */
    public ServerProcess withoutJavaOpts() {
        env.remove("MAILHOOK_JAVA_OPTS");
        return this;
    }

    /** Leaves MAILHOOK_WEBHOOK_ALLOW_LOOPBACK unset, as the shipped configuration runs. */
    public ServerProcess withoutLoopbackOptIn() {
        env.remove("MAILHOOK_WEBHOOK_ALLOW_LOOPBACK");
        return this;
    }

    public ServerProcess start() throws IOException, InterruptedException {
        launch();
        Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
        // WebAdmin may open after SMTP: a test's first API call must not race it.
        while (!listening(smtpPort) || (webadminPort > 0 && !listening(webadminPort))) {
            if (!process.isAlive()) {
                throw new IllegalStateException("server exited with " + process.exitValue() + " during startup:\n" + causes() + outputTail());
            }
            if (Instant.now().isAfter(deadline)) {
                String tail = outputTail();
                // The caller's try-with-resources never got this instance: stop the server here, or it outlives the test.
                close();
                throw new IllegalStateException("server did not open SMTP and WebAdmin within " + STARTUP_TIMEOUT + ":\n" + tail);
            }
            Thread.sleep(200);
        }
        return this;
    }

    /** Runs the command to its end (for startup failures) and returns the exit code. */
    public int runToExit(Duration timeout) throws IOException, InterruptedException {
        launch();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("did not exit within " + timeout + ":\n" + outputTail());
        }
        return process.exitValue();
    }

    private void launch() throws IOException {
        Files.createDirectories(data);
        ProcessBuilder builder = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(data.resolve("server.out").toFile()));
        builder.environment().putAll(env);
        process = builder.start();
    }

    public int smtpPort() {
        return smtpPort;
    }

    public int webadminPort() {
        return webadminPort;
    }

    public Path data() {
        return data;
    }

    /** One WebAdmin request ({@code body} null: none), answered as text. */
    public HttpResponse<String> webadmin(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webadminPort + path))
            .timeout(Duration.ofSeconds(30))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
            .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    public String output() throws IOException {
        Path out = data.resolve("server.out");
        return Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
    }

    public String outputTail() {
        try {
            String out = output();
            return out.length() > 6000 ? out.substring(out.length() - 6000) : out;
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /** The "Caused by" lines of the output: where a long stack trace says what went wrong. */
    public String causes() {
        try {
            return output().lines().filter(line -> line.startsWith("Caused by:")).distinct().limit(10)
                .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
        } catch (IOException e) {
            return "";
        }
    }

    /** Each ERROR log entry with the stack lines under it (at most {@code max} entries): the cause of a failure, not the log's tail. */
    public String errors(int max) {
        StringBuilder errors = new StringBuilder();
        int entries = 0;
        boolean inEntry = false;
        try {
            for (String line : output().split("\n")) {
                boolean entryStart = line.matches("^\\d\\d:\\d\\d:\\d\\d\\.\\d+ .*");
                if (entryStart) {
                    inEntry = line.contains(" ERROR ") && entries < max;
                    entries += inEntry ? 1 : 0;
                }
                if (inEntry) {
                    errors.append(line).append('\n');
                }
            }
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
        return errors.toString();
    }

    /** SIGKILL: no shutdown hook runs, as in a crash or an OOM kill. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public static List<String> javaCommand(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(args));
        return command;
    }
}
