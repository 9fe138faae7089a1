package org.mailhook.attachments;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * ClamAV's clamd over its INSTREAM command, on TCP or a unix socket. Every failure (refused,
 * timeout, clamd error, content over the size limit) is a {@link VirusScan.Status#UNAVAILABLE}
 * result, never an exception, so the caller's policy decides. Thread-safe; one connection per scan.
 */
public final class ClamdClient implements VirusScanner {
    public static final int DEFAULT_PORT = 3310;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** clamd's own default StreamMaxLength. */
    public static final long DEFAULT_MAX_BYTES = 25L * 1024 * 1024;
    private static final int CHUNK = 64 * 1024;
    private static final int MAX_REPLY = 4096;
    private static final ExecutorService IO = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "mailhook-clamd");
        thread.setDaemon(true);
        return thread;
    });

    private final SocketAddress address;
    private final Duration timeout;
    private final long maxBytes;

    public ClamdClient(SocketAddress address, Duration timeout, long maxBytes) {
        this.address = address;
        this.timeout = timeout;
        this.maxBytes = maxBytes;
    }

    /**
     * @param spec {@code host:port}, {@code host} (port 3310), {@code [::1]:3310}, or a unix socket as
     *             {@code unix:/run/clamav/clamd.ctl} or an absolute path
     */
    public static ClamdClient parse(String spec, Duration timeout, long maxBytes) {
        return new ClamdClient(parseAddress(spec), timeout, maxBytes);
    }

    static SocketAddress parseAddress(String spec) {
        String value = spec.trim();
        if (value.startsWith("unix:")) {
            return UnixDomainSocketAddress.of(Path.of(value.substring("unix:".length())));
        }
        if (value.startsWith("/")) {
            return UnixDomainSocketAddress.of(Path.of(value));
        }
        String host = value;
        String port = null;
        if (value.startsWith("[") && value.contains("]")) {
            host = value.substring(1, value.indexOf(']'));
            String rest = value.substring(value.indexOf(']') + 1);
            port = rest.startsWith(":") ? rest.substring(1) : null;
        } else if (value.indexOf(':') >= 0 && value.indexOf(':') == value.lastIndexOf(':')) {
            host = value.substring(0, value.indexOf(':'));
            port = value.substring(value.indexOf(':') + 1);
        }
        int portNumber;
        try {
            portNumber = port == null ? DEFAULT_PORT : Integer.parseInt(port);
        } catch (NumberFormatException e) {
            portNumber = -1;
        }
        if (host.isEmpty() || portNumber < 1 || portNumber > 65535) {
            throw new IllegalArgumentException("clamd address must be HOST:PORT or unix:/path, got '" + spec + "'");
        }
        return InetSocketAddress.createUnresolved(host, portNumber);
    }

    public SocketAddress address() {
        return address;
    }

    @Override
    public VirusScan scan(byte[] content) {
        if (content.length > maxBytes) {
            return VirusScan.unavailable("clamd not asked: " + content.length + " bytes exceed the " + maxBytes + "-byte limit");
        }
        String reply;
        try {
            reply = exchange("zINSTREAM\0", content);
        } catch (IOException e) {
            return VirusScan.unavailable("clamd at " + describe() + ": " + e.getMessage());
        }
        if (reply.endsWith(" FOUND")) {
            String signature = reply.substring(reply.indexOf(':') + 1, reply.length() - " FOUND".length()).trim();
            return VirusScan.found(signature);
        }
        if (reply.endsWith(": OK")) {
            return VirusScan.clean();
        }
        return VirusScan.unavailable("clamd at " + describe() + " answered: " + reply);
    }

    /** True when clamd answers PING with PONG (for health checks and the CLI). */
    public boolean ping() {
        try {
            return exchange("zPING\0", null).equals("PONG");
        } catch (IOException e) {
            return false;
        }
    }

    private String exchange(String command, byte[] stream) throws IOException {
        AtomicReference<SocketChannel> open = new AtomicReference<>();
        Future<String> result = IO.submit(() -> {
            try (SocketChannel channel = SocketChannel.open(address instanceof InetSocketAddress inet && inet.isUnresolved()
                ? new InetSocketAddress(inet.getHostString(), inet.getPort()) : address)) {
                open.set(channel);
                try {
                    writeAll(channel, ByteBuffer.wrap(command.getBytes(StandardCharsets.US_ASCII)));
                    if (stream != null) {
                        for (int offset = 0; offset < stream.length; offset += CHUNK) {
                            int length = Math.min(CHUNK, stream.length - offset);
                            writeAll(channel, ByteBuffer.allocate(4).putInt(0, length));
                            writeAll(channel, ByteBuffer.wrap(stream, offset, length));
                        }
                        writeAll(channel, ByteBuffer.allocate(4).putInt(0, 0));
                    }
                } catch (IOException writeFailure) {
                    // clamd answers and hangs up mid-stream (e.g. "INSTREAM size limit exceeded"):
                    // its reason is already in our receive buffer and says more than "Broken pipe".
                    String early;
                    try {
                        early = readReply(channel);
                    } catch (IOException noAnswer) {
                        writeFailure.addSuppressed(noAnswer);
                        throw writeFailure;
                    }
                    if (early.isEmpty()) {
                        throw writeFailure;
                    }
                    return early;
                }
                return readReply(channel);
            }
        });
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            closeQuietly(open.get());
            result.cancel(true);
            throw new IOException("no answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new IOException(cause.getMessage() == null ? cause.toString() : cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(open.get());
            throw new IOException("interrupted");
        }
    }

    private static void writeAll(SocketChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** clamd's z-commands answer one NUL-terminated line; a reply without NUL ends at EOF. */
    private static String readReply(SocketChannel channel) throws IOException {
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(512);
        while (reply.size() < MAX_REPLY) {
            buffer.clear();
            int n;
            try {
                n = channel.read(buffer);
            } catch (IOException reset) {
                // a reset after clamd's answer (it closes with our unread stream pending) keeps the answer
                if (reply.size() == 0) {
                    throw reset;
                }
                break;
            }
            if (n < 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                byte b = buffer.get(i);
                if (b == 0) {
                    return reply.toString(StandardCharsets.UTF_8).trim();
                }
                reply.write(b);
            }
        }
        return reply.toString(StandardCharsets.UTF_8).trim();
    }

    private static void closeQuietly(SocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // already failing; the timeout is what gets reported
            }
        }
    }

    private String describe() {
        return address instanceof InetSocketAddress inet ? inet.getHostString() + ":" + inet.getPort() : address.toString();
    }
}
