package org.mailhook.attachments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

/** The client's own behaviour without a clamd: addresses, the INSTREAM framing over a unix socket, timeouts. */
class ClamdClientTest {

    @Test
    void parsesTcpAndUnixAddresses() {
        assertThat(ClamdClient.parseAddress("localhost:3311")).isEqualTo(InetSocketAddress.createUnresolved("localhost", 3311));
        assertThat(ClamdClient.parseAddress("clamav")).isEqualTo(InetSocketAddress.createUnresolved("clamav", 3310));
        assertThat(ClamdClient.parseAddress("[::1]:3310")).isEqualTo(InetSocketAddress.createUnresolved("::1", 3310));
        assertThat(ClamdClient.parseAddress("unix:/run/clamav/clamd.ctl")).isEqualTo(UnixDomainSocketAddress.of("/run/clamav/clamd.ctl"));
        assertThat(ClamdClient.parseAddress("/run/clamav/clamd.ctl")).isEqualTo(UnixDomainSocketAddress.of("/run/clamav/clamd.ctl"));
        assertThatThrownBy(() -> ClamdClient.parseAddress("host:99999")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClamdClient.parseAddress(":3310")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void speaksInstreamOverAUnixSocket() throws Exception {
        Path socket = Files.createTempDirectory("clamd").resolve("clamd.sock");
        byte[] content = new byte[150_000];
        java.util.Arrays.fill(content, (byte) 'a');
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
                try (SocketChannel peer = server.accept()) {
                    ByteArrayOutputStream all = new ByteArrayOutputStream();
                    ByteBuffer buffer = ByteBuffer.allocate(8192);
                    // Read until the zero-length terminating chunk: the last 4 bytes are 0.
                    while (true) {
                        buffer.clear();
                        int n = peer.read(buffer);
                        if (n < 0) {
                            break;
                        }
                        all.write(buffer.array(), 0, n);
                        if (endsWithZeroChunk(all.toByteArray())) {
                            break;
                        }
                    }
                    peer.write(ByteBuffer.wrap("stream: Fake.Sig FOUND\0".getBytes(StandardCharsets.US_ASCII)));
                    return all.toByteArray();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            VirusScan scan = ClamdClient.parse("unix:" + socket, Duration.ofSeconds(10), ClamdClient.DEFAULT_MAX_BYTES).scan(content);
            assertThat(scan).isEqualTo(VirusScan.found("Fake.Sig"));
            byte[] wire = received.get();
            assertThat(new String(wire, 0, 10, StandardCharsets.US_ASCII)).isEqualTo("zINSTREAM\0");
            // 150,000 bytes in 64 KiB chunks: 3 length-prefixed chunks, then the zero chunk.
            assertThat(wire.length).isEqualTo(10 + 3 * 4 + content.length + 4);
            assertThat(ByteBuffer.wrap(wire, 10, 4).getInt()).isEqualTo(65536);
        }
    }

    private static boolean endsWithZeroChunk(byte[] wire) {
        // Walk the framing: command, then length-prefixed chunks.
        int position = 10;
        while (position + 4 <= wire.length) {
            int length = ByteBuffer.wrap(wire, position, 4).getInt();
            if (length == 0) {
                return position + 4 == wire.length;
            }
            position += 4 + length;
        }
        return false;
    }

    @Test
    void silentServerTimesOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return silent.accept();
                } catch (Exception e) {
                    return null;
                }
            });
            long start = System.nanoTime();
            VirusScan scan = new ClamdClient(new InetSocketAddress("127.0.0.1", silent.getLocalPort()), Duration.ofMillis(500),
                ClamdClient.DEFAULT_MAX_BYTES).scan(Samples.text("x"));
            assertThat(scan.status()).isEqualTo(VirusScan.Status.UNAVAILABLE);
            assertThat(scan.detail()).contains("no answer within 500 ms");
            assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
            Socket peer = accepted.get();
            if (peer != null) {
                peer.close();
            }
        }
    }
}
