package org.mailhook.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The npm packages tests run under Node (independent peers: the Standard Webhooks library, mailauth's
 * DKIM signer), pinned as in {@code .ci/setup/node-packages.sh}. CI installs them once and passes
 * {@code -Dmailhook.nodeModules}; otherwise they are installed here into {@code target/node-packages}.
 * Without node or npm access the test is aborted, unless {@code mailhook.services.required=true}.
 */
public final class NodePackages {
    /** Keep in step with .ci/setup/node-packages.sh. */
    public static final List<String> PINNED = List.of("standardwebhooks@1.1.1", "mailauth@4.13.3");

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

    static void unavailable(String message) {
        if (Boolean.getBoolean("mailhook.services.required")) {
            Assertions.fail(message);
        }
        Assumptions.abort(message);
    }
}
