package org.mailhook.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A minimal SMTP client that shows every reply, so tests can assert on codes such as 550 and 552. */
public final class SmtpClient implements AutoCloseable {
    private Socket socket;
    private BufferedReader in;
    private OutputStream out;

    public SmtpClient(int port) throws IOException {
        attach(new Socket("127.0.0.1", port));
        String greeting = reply();
        if (!greeting.startsWith("220")) {
            throw new IOException("unexpected greeting: " + greeting);
        }
    }

    private void attach(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(60_000);
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
        this.out = socket.getOutputStream();
    }

    /** Sends one command line and returns the full (possibly multi-line) reply. */
    public String command(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return reply();
    }

    /** Sends bytes as they are, without waiting for a reply (a client that misbehaves). */
    public void sendRaw(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Upgrades the connection with STARTTLS, trusting any certificate (the demo's is self-signed). */
    public String startTls() throws Exception {
        String reply = command("STARTTLS");
        if (!reply.startsWith("220")) {
            return reply;
        }
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }}, null);
        javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) context.getSocketFactory()
            .createSocket(socket, "127.0.0.1", socket.getPort(), true);
        tls.startHandshake();
        attach(tls);
        return reply + " / " + tls.getSession().getProtocol();
    }

    /** DATA with the message (CRLF line ends, dot-stuffed here); returns the final reply. */
    public String data(String message) throws IOException {
        String reply = command("DATA");
        if (!reply.startsWith("354")) {
            return reply;
        }
        StringBuilder stuffed = new StringBuilder();
        for (String line : message.split("\r?\n", -1)) {
            stuffed.append(line.startsWith(".") ? "." + line : line).append("\r\n");
        }
        stuffed.append(".\r\n");
        out.write(stuffed.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        return reply();
    }

    /**
     * DATA with a message's bytes as a relaying MTA sends them: every line end (CRLF, bare LF or bare CR)
     * made CRLF, lines dot-stuffed, a final line end added when missing; returns the final reply.
     */
    public String data(byte[] message) throws IOException {
        String reply = command("DATA");
        if (!reply.startsWith("354")) {
            return reply;
        }
        java.io.ByteArrayOutputStream wire = new java.io.ByteArrayOutputStream(message.length + message.length / 20 + 16);
        boolean lineStart = true;
        for (int i = 0; i < message.length; i++) {
            byte b = message[i];
            if (b == '\r' || b == '\n') {
                if (b == '\r' && i + 1 < message.length && message[i + 1] == '\n') {
                    i++;
                }
                wire.write('\r');
                wire.write('\n');
                lineStart = true;
                continue;
            }
            if (lineStart && b == '.') {
                wire.write('.');
            }
            wire.write(b);
            lineStart = false;
        }
        if (!lineStart) {
            wire.write('\r');
            wire.write('\n');
        }
        wire.writeBytes(".\r\n".getBytes(StandardCharsets.US_ASCII));
        wire.writeTo(out);
        out.flush();
        return reply();
    }

    /** A whole transaction; returns the reply to the end of DATA (250 when accepted). */
    public static String send(int port, String from, String to, String message) throws IOException {
        try (SmtpClient smtp = new SmtpClient(port)) {
            smtp.command("EHLO client.example");
            String mail = smtp.command("MAIL FROM:<" + from + ">");
            if (!mail.startsWith("250")) {
                return mail;
            }
            String rcpt = smtp.command("RCPT TO:<" + to + ">");
            if (!rcpt.startsWith("250")) {
                return rcpt;
            }
            return smtp.data(message);
        }
    }

    private String reply() throws IOException {
        StringBuilder reply = new StringBuilder();
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed; so far: " + reply);
            }
            reply.append(line).append('\n');
        } while (line.length() > 3 && line.charAt(3) == '-');
        return reply.toString().trim();
    }

    @Override
    public void close() throws IOException {
        try {
            command("QUIT");
        } catch (IOException ignored) {
            // The server may already have closed the connection.
        }
        socket.close();
    }
}
