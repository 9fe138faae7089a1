package org.mailhook.doctor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A tiny SMTP responder on loopback for the probe tests: banner, EHLO (offering STARTTLS when it has
 * a TLS context), STARTTLS and QUIT; any other command is refused with 502 and recorded, so a test
 * can assert that the probe never tries to send mail. The server's drift test runs it as an MX.
 */
public final class SmtpResponder implements AutoCloseable {
    private final ServerSocket server;
    private final SSLContext tls;
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final Thread thread;

    SmtpResponder(SSLContext tls) throws IOException {
        this(tls, "127.0.0.1", 0);
    }

    /** On {@code address} (a loopback address) and {@code port} (0: any free one). */
    public SmtpResponder(SSLContext tls, String address, int port) throws IOException {
        this.server = new ServerSocket(port, 10, InetAddress.getByName(address));
        this.tls = tls;
        this.thread = new Thread(this::serve, "smtp-responder");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Every command verb received, in order. */
    List<String> commands() {
        return List.copyOf(commands);
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                socket.setSoTimeout(5_000);
                converse(socket);
            } catch (IOException e) {
                // one connection ended badly (or the server closed); the next may still come
            }
        }
    }

    private void converse(Socket plain) throws IOException {
        Socket socket = plain;
        reply(socket, "220 mx.probe.example.com ESMTP test responder");
        BufferedReader in = reader(socket);
        while (true) {
            String line = in.readLine();
            if (line == null) {
                return;
            }
            String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
            commands.add(verb);
            switch (verb) {
                case "EHLO" -> reply(socket, tls != null && !(socket instanceof SSLSocket)
                    ? "250-mx.probe.example.com\r\n250-PIPELINING\r\n250 STARTTLS" : "250-mx.probe.example.com\r\n250 PIPELINING");
                case "STARTTLS" -> {
                    reply(socket, "220 go ahead");
                    SSLSocket secured = (SSLSocket) tls.getSocketFactory().createSocket(socket, null, socket.getPort(), true);
                    secured.setUseClientMode(false);
                    secured.startHandshake();
                    socket = secured;
                    in = reader(socket);
                }
                case "QUIT" -> {
                    reply(socket, "221 bye");
                    return;
                }
                default -> reply(socket, "502 not in this test");
            }
        }
    }

    private static BufferedReader reader(Socket socket) throws IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
    }

    private static void reply(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        server.close();
        thread.join(5_000);
    }
}
