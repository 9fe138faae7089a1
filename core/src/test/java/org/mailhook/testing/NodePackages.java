package org.mailhook.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The npm packages tests run under Node (independent peers: the Standard Webhooks library, mailauth's
 * DKIM signer and verifier), pinned as in {@code .ci/setup/node-packages.sh}. CI installs them once and passes
 * {@code -Dmailhook.nodeModules}; otherwise they are installed here into {@code target/node-packages}.
 * Without node or npm access the test is aborted, unless {@code mailhook.services.required=true}.
 */
public final class NodePackages {
    /** Keep in step with .ci/setup/node-packages.sh. */
    public static final List<String> PINNED = List.of("standardwebhooks@1.1.1", "mailauth@4.13.3", "mailparser@3.14.2", "postal-mime@4.0.0");
    private static final ObjectMapper JSON = new ObjectMapper();

    private NodePackages() {
    }

    /** The node_modules folder holding every pinned package. */
    public static synchronized Path modules() {
        String prepared = System.getProperty("mailhook.nodeModules");
        if (prepared != null && !prepared.isBlank()) {
            return Path.of(prepared);
        }
        Path dir = Path.of("target", "node-packages").toAbsolutePath();
        Path modules = dir.resolve("node_modules");
        if (PINNED.stream().allMatch(p -> Files.isDirectory(modules.resolve(p.substring(0, p.lastIndexOf('@')))))) {
            return modules;
        }
        List<String> command = new ArrayList<>(List.of("npm", "install", "--no-audit", "--no-fund", "--loglevel=error"));
        command.addAll(PINNED);
        String output;
        boolean installed;
        try {
            Files.createDirectories(dir);
            Process npm = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            installed = npm.waitFor(300, TimeUnit.SECONDS) && npm.exitValue() == 0;
        } catch (IOException e) {
            output = e.toString();
            installed = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (!installed) {
            unavailable(String.join(" ", command) + " failed (are node, npm and the npm registry there?): " + output);
        }
        return modules;
    }

    /** A Node process for {@code script} that finds the pinned packages. */
    public static ProcessBuilder node(Path script, String... args) {
        List<String> command = new ArrayList<>(List.of("node", script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("NODE_PATH", modules().toString());
        return builder;
    }

    /**
     * Runs the script {@code resource} (found next to {@code anchor}) under Node with {@code input} as JSON
     * on standard input, and returns its standard output read as JSON.
     */
    public static JsonNode runJson(Class<?> anchor, String resource, JsonNode input) throws IOException, InterruptedException {
        Path script = Files.createTempFile(resource.replace(".js", ""), ".js");
        try {
            try (InputStream in = anchor.getResourceAsStream(resource)) {
                Files.write(script, in.readAllBytes());
            }
            Process node;
            try {
                node = node(script).start();
            } catch (IOException e) {
                unavailable("node could not be started (is Node.js installed?): " + e);
                throw e;
            }
            CompletableFuture<byte[]> errors = CompletableFuture.supplyAsync(() -> readAll(node.getErrorStream()));
            CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> readAll(node.getInputStream()));
            try (OutputStream stdin = node.getOutputStream()) {
                JSON.writeValue(stdin, input);
            }
            if (!node.waitFor(120, TimeUnit.SECONDS) || node.exitValue() != 0) {
                node.destroyForcibly();
                throw new IOException(resource + " failed under Node: " + new String(errors.join(), StandardCharsets.UTF_8));
            }
            return JSON.readTree(output.join());
        } finally {
            Files.deleteIfExists(script);
        }
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            return e.toString().getBytes(StandardCharsets.UTF_8);
        }
    }

    static void unavailable(String message) {
        if (Boolean.getBoolean("mailhook.services.required")) {
            Assertions.fail(message);
        }
        Assumptions.abort(message);
    }
}
