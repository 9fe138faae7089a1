package org.mailhook.doctor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import com.google.common.base.Throwables;

import okhttp3.internal.tls.OkHostnameVerifier;

/**
 * Read-only SMTP probe of every MX address: banner, EHLO, STARTTLS, and the certificate's name,
 * expiry and trust. It says EHLO, STARTTLS and QUIT only: it never sends MAIL, RCPT or DATA.
 */
final class SmtpProbe {
    static final Duration EXPIRY_WARNING = Duration.ofDays(14);
    static final String EHLO_NAME = "doctor.mailhook.invalid";

    private final Clock clock;
    private final ProbeSettings settings;
    private final Consumer<String> progress;

    SmtpProbe(Clock clock, ProbeSettings settings, Consumer<String> progress) {
        this.clock = clock;
        this.settings = settings;
        this.progress = progress;
    }

    List<Finding> check(Map<String, List<InetAddress>> targets) {
        List<Finding> findings = new ArrayList<>();
        targets.forEach((host, addresses) -> addresses.forEach(address -> findings.addAll(probe(host, address))));
        return findings;
    }

    /** One SMTP reply: the code of its last line and all its text. */
    private record Reply(int code, List<String> lines) {
        boolean offers(String extension) {
            return lines.stream().skip(1).anyMatch(l -> l.length() > 4 && l.substring(4).strip().toUpperCase(Locale.ROOT).startsWith(extension));
        }

        String text() {
            return String.join(" / ", lines);
        }
    }

    /** Records the presented chain without judging it, so the probe can report trust, name and expiry separately. */
    private static final class ChainRecorder implements X509TrustManager {
        X509Certificate[] chain = new X509Certificate[0];
        String authType = "UNKNOWN";

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("the probe is a client");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            this.chain = chain.clone();
            this.authType = authType;
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    List<Finding> probe(String host, InetAddress address) {
        String subject = host + " [" + address.getHostAddress() + "]:" + settings.smtpPort();
        progress.accept("probing SMTP at " + subject);
        List<Finding> findings = new ArrayList<>();
        int timeout = (int) settings.timeout().toMillis();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, settings.smtpPort()), timeout);
            socket.setSoTimeout(timeout);
            BufferedReader in = reader(socket);
            Reply banner = read(in);
            if (banner.code() != 220) {
                findings.add(Finding.fail("smtp.banner", subject, "greeting is not 220: " + banner.text(),
                    "make the MX greet with 220; a 554 greeting refuses all mail"));
                return findings;
            }
            findings.add(Finding.pass("smtp.banner", subject, banner.text()));
            Reply ehlo = command(socket.getOutputStream(), in, "EHLO " + EHLO_NAME);
            if (ehlo.code() != 250 || !ehlo.offers("STARTTLS")) {
                findings.add(Finding.fail("smtp.starttls", subject, "STARTTLS is not offered (EHLO: " + ehlo.text() + ")",
                    "enable STARTTLS with a certificate for " + host + "; without it mail travels in clear and MTA-STS senders refuse"));
                quit(socket.getOutputStream(), in);
                return findings;
            }
            Reply ready = command(socket.getOutputStream(), in, "STARTTLS");
            if (ready.code() != 220) {
                findings.add(Finding.fail("smtp.starttls", subject, "STARTTLS refused: " + ready.text(),
                    "fix the TLS configuration of the MX (key and certificate files, protocols)"));
                return findings;
            }
            ChainRecorder recorder = new ChainRecorder();
            try (SSLSocket tls = handshake(socket, host, recorder)) {
                findings.add(Finding.pass("smtp.starttls", subject,
                    "STARTTLS works: " + tls.getSession().getProtocol() + " " + tls.getSession().getCipherSuite()));
                certificate(host, subject, recorder, findings);
                BufferedReader tlsIn = reader(tls);
                command(tls.getOutputStream(), tlsIn, "EHLO " + EHLO_NAME);
                quit(tls.getOutputStream(), tlsIn);
            } catch (IOException e) {
                findings.add(Finding.fail("smtp.starttls", subject, "TLS handshake failed: " + e.getMessage(),
                    "fix the TLS configuration of the MX (certificate, protocols TLS 1.2+)"));
            }
        } catch (IOException e) {
            if (address instanceof Inet6Address && e instanceof SocketException && !(e instanceof ConnectException)
                && String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("unreachable")) {
                // the machine running the doctor has no IPv6 route: says nothing about the MX
                findings.add(Finding.warn("smtp.banner", subject, "not probed: no IPv6 route from this machine (" + e.getMessage() + ")",
                    "run the doctor from a machine with IPv6 to check this address"));
            } else {
                findings.add(Finding.fail("smtp.banner", subject, "no SMTP conversation: " + e.getMessage(),
                    "make sure port " + settings.smtpPort() + " is open to the internet and the MTA is running "
                        + "(and that outbound port " + settings.smtpPort() + " is not blocked where the doctor runs)"));
            }
        }
        return findings;
    }

    private SSLSocket handshake(Socket socket, String host, ChainRecorder recorder) throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {recorder}, null);
            SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, host, socket.getPort(), true);
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(host)));
            tls.setSSLParameters(parameters);
            tls.startHandshake();
            return tls;
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS is unavailable: " + e.getMessage(), e);
        }
    }

    private void certificate(String host, String subject, ChainRecorder recorder, List<Finding> findings) {
        if (recorder.chain.length == 0) {
            findings.add(Finding.fail("smtp.cert-name", subject, "no certificate presented", "configure a certificate for " + host));
            return;
        }
        X509Certificate leaf = recorder.chain[0];
        if (OkHostnameVerifier.INSTANCE.verify(host, leaf)) {
            findings.add(Finding.pass("smtp.cert-name", subject, "certificate names " + host));
        } else {
            findings.add(Finding.warn("smtp.cert-name", subject, "certificate (" + leaf.getSubjectX500Principal().getName() + ") does not name " + host,
                "use a certificate whose subjectAltName lists " + host + "; MTA-STS and DANE senders check it"));
        }
        Instant now = clock.instant();
        Instant notAfter = leaf.getNotAfter().toInstant();
        if (now.isAfter(notAfter) || now.isBefore(leaf.getNotBefore().toInstant())) {
            findings.add(Finding.fail("smtp.cert-expiry", subject,
                "certificate is not valid now (valid " + leaf.getNotBefore().toInstant() + " to " + notAfter + ")",
                "renew the certificate and reload the MTA"));
        } else if (Duration.between(now, notAfter).compareTo(EXPIRY_WARNING) < 0) {
            findings.add(Finding.warn("smtp.cert-expiry", subject, "certificate expires " + notAfter + ", in less than " + EXPIRY_WARNING.toDays() + " days",
                "renew the certificate now and check that automatic renewal reloads the MTA"));
        } else {
            findings.add(Finding.pass("smtp.cert-expiry", subject, "certificate valid until " + notAfter));
        }
        try {
            settings.trust().checkServerTrusted(recorder.chain, recorder.authType);
            findings.add(Finding.pass("smtp.cert-trust", subject, "certificate chain is trusted"));
        } catch (CertificateException | IllegalArgumentException e) {
            findings.add(Finding.warn("smtp.cert-trust", subject, "certificate chain is not trusted: " + Throwables.getRootCause(e).getMessage(),
                "use a certificate from a public CA (MTA-STS requires one) and send the intermediate certificates"));
        }
    }

    private static BufferedReader reader(Socket socket) throws IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
    }

    private static Reply read(BufferedReader in) throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed" + (lines.isEmpty() ? "" : " after " + String.join(" / ", lines)));
            }
            lines.add(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                try {
                    return new Reply(Integer.parseInt(line.substring(0, Math.min(3, line.length()))), lines);
                } catch (NumberFormatException e) {
                    throw new IOException("not an SMTP reply: " + line);
                }
            }
            if (lines.size() > 100) {
                throw new IOException("reply longer than 100 lines");
            }
        }
    }

    private static Reply command(OutputStream out, BufferedReader in, String command) throws IOException {
        out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return read(in);
    }

    private static void quit(OutputStream out, BufferedReader in) {
        try {
            command(out, in, "QUIT");
        } catch (IOException e) {
            // the probe is over either way
        }
    }
}
