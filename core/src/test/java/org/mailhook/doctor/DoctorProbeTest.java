package org.mailhook.doctor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailhook.doctor.ReportAssertions.only;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.doctor.Finding.Status;
import org.mailhook.doctor.KnotDns.Zone;

/**
 * {@code --probe} against loopback only: the zones point every MX and MTA-STS host at 127.0.0.1,
 * where the test runs a tiny SMTP responder (banner, EHLO, STARTTLS with a self-signed certificate)
 * and an HTTPS server for the MTA-STS policies.
 */
class DoctorProbeTest {
    private static final Map<String, String> POLICIES = Map.of(
        "mta-sts.probe.example.com", "version: STSv1\nmode: enforce\nmx: *.probe.example.com\nmax_age: 604800\n",
        "mta-sts.stsmiss.example.com", "version: STSv1\r\nmode: enforce\r\nmx: mx1.probe.example.com\r\nmax_age: 3600\r\n");

    @TempDir
    static Path dir;
    private static KnotDns knot;
    private static HeldCertificate certificate;
    private static X509TrustManager trust;
    private static SmtpResponder starttls;
    private static HttpsServer policyServer;

    @BeforeAll
    static void start() throws Exception {
        knot = KnotDns.start(dir, List.of(
            new Zone("example.com", "ns A 127.0.0.1\n", false),
            new Zone("probe.example.com", """
                @ MX 10 mx1
                @ MX 20 mx2
                mx1 A 127.0.0.1
                mx2 A 127.0.0.1
                mta-sts A 127.0.0.1
                _mta-sts TXT "v=STSv1; id=20261129"
                """, false),
            new Zone("stsmiss.example.com", """
                @ MX 10 mx1.probe.example.com.
                @ MX 20 mx2.probe.example.com.
                mta-sts A 127.0.0.1
                _mta-sts TXT "v=STSv1; id=1"
                """, false),
            new Zone("0.0.127.in-addr.arpa", "1 PTR mx1.probe.example.com.\n", false)));
        certificate = selfSigned("mx1.probe.example.com", "mx2.probe.example.com",
            "mta-sts.probe.example.com", "mta-sts.stsmiss.example.com");
        trust = new HandshakeCertificates.Builder().addTrustedCertificate(certificate.certificate()).build().trustManager();
        starttls = new SmtpResponder(serverContext(certificate));
        policyServer = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        policyServer.setHttpsConfigurator(new HttpsConfigurator(serverContext(certificate)));
        policyServer.createContext("/.well-known/mta-sts.txt", exchange -> {
            String host = exchange.getRequestHeaders().getFirst("Host").replaceFirst(":\\d+$", "");
            byte[] body = POLICIES.getOrDefault(host, "").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(body.length == 0 ? 404 : 200, body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        policyServer.start();
    }

    /** A self-signed certificate valid for a year from now, naming the hosts (the first also as CN). */
    private static HeldCertificate selfSigned(String... names) {
        HeldCertificate.Builder builder = new HeldCertificate.Builder().commonName(names[0]).duration(365, TimeUnit.DAYS);
        for (String name : names) {
            builder.addSubjectAlternativeName(name);
        }
        return builder.build();
    }

    private static SSLContext serverContext(HeldCertificate held) {
        return new HandshakeCertificates.Builder().heldCertificate(held).build().sslContext();
    }

    @AfterAll
    static void stop() throws Exception {
        if (policyServer != null) {
            policyServer.stop(0);
        }
        if (starttls != null) {
            starttls.close();
        }
        if (knot != null) {
            knot.close();
        }
    }

    private static Report probe(String domain, int smtpPort, Clock clock, X509TrustManager trusted, List<String> progress) throws Exception {
        ProbeSettings settings = new ProbeSettings(smtpPort, policyServer.getAddress().getPort(), Duration.ofSeconds(5), trusted);
        Report report = new Doctor(knot.dns(), clock, settings, progress::add)
            .examine(new DoctorRequest(domain, List.of(), List.of(), true));
        System.out.println(report.toText());
        return report;
    }

    private static Report probe(String domain, int smtpPort) throws Exception {
        return probe(domain, smtpPort, Clock.systemUTC(), trust, new CopyOnWriteArrayList<>());
    }

    @Test
    void probeChecksBannerStartTlsCertificateAndMtaStsPolicyWithoutSendingMail() throws Exception {
        List<String> progress = new CopyOnWriteArrayList<>();
        Report report = probe("probe.example.com", starttls.port(), Clock.systemUTC(), trust, progress);

        for (String id : List.of("smtp.banner", "smtp.starttls", "smtp.cert-name", "smtp.cert-expiry", "smtp.cert-trust")) {
            assertThat(report.findings(id)).as(id).hasSize(2).allMatch(f -> f.status() == Status.PASS);
        }
        assertThat(report.findings("smtp.banner")).extracting(Finding::subject).containsExactly(
            "mx1.probe.example.com [127.0.0.1]:" + starttls.port(), "mx2.probe.example.com [127.0.0.1]:" + starttls.port());
        assertThat(report.findings("smtp.banner").get(0).message()).isEqualTo("220 mx.probe.example.com ESMTP test responder");
        assertThat(report.findings("smtp.cert-name").get(1).message()).isEqualTo("certificate names mx2.probe.example.com");
        for (String id : List.of("mta-sts.record", "mta-sts.policy", "mta-sts.mode", "mta-sts.max-age", "mta-sts.mx")) {
            assertThat(only(report, id).status()).as(id).isEqualTo(Status.PASS);
        }
        assertThat(starttls.commands()).contains("EHLO", "STARTTLS", "QUIT").doesNotContain("MAIL", "RCPT", "DATA");
        assertThat(progress).contains("probing SMTP at mx1.probe.example.com [127.0.0.1]:" + starttls.port(),
            "fetching https://mta-sts.probe.example.com:" + policyServer.getAddress().getPort() + "/.well-known/mta-sts.txt");
    }

    @Test
    void enforcedPolicyThatMissesAnMxFails() throws Exception {
        Report report = probe("stsmiss.example.com", starttls.port());

        Finding mx = only(report, "mta-sts.mx");
        assertThat(mx.status()).isEqualTo(Status.FAIL);
        assertThat(mx.message()).startsWith("MX host(s) [mx2.probe.example.com] match no mx: pattern [mx1.probe.example.com]");
        assertThat(only(report, "mta-sts.max-age").status()).isEqualTo(Status.WARN);
        assertThat(only(report, "mta-sts.mode").status()).isEqualTo(Status.PASS);
    }

    @Test
    void expiredCertificateFailsByTheInjectedClock() throws Exception {
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(400)), ZoneOffset.UTC);
        Report report = probe("probe.example.com", starttls.port(), later, trust, new CopyOnWriteArrayList<>());

        assertThat(report.findings("smtp.cert-expiry")).hasSize(2).allSatisfy(f -> {
            assertThat(f.status()).isEqualTo(Status.FAIL);
            assertThat(f.message()).startsWith("certificate is not valid now");
        });
    }

    @Test
    void certificateSoonToExpireWarns() throws Exception {
        Clock late = Clock.fixed(Instant.now().plus(Duration.ofDays(360)), ZoneOffset.UTC);
        Report report = probe("probe.example.com", starttls.port(), late, trust, new CopyOnWriteArrayList<>());

        assertThat(report.findings("smtp.cert-expiry")).hasSize(2).allMatch(f -> f.status() == Status.WARN);
    }

    @Test
    void serverWithoutStartTlsFails() throws Exception {
        try (SmtpResponder plain = new SmtpResponder(null)) {
            Report report = probe("probe.example.com", plain.port());

            assertThat(report.findings("smtp.banner")).hasSize(2).allMatch(f -> f.status() == Status.PASS);
            assertThat(report.findings("smtp.starttls")).hasSize(2).allSatisfy(f -> {
                assertThat(f.status()).isEqualTo(Status.FAIL);
                assertThat(f.message()).startsWith("STARTTLS is not offered");
            });
            assertThat(report.findings("smtp.cert-name")).isEmpty();
            assertThat(plain.commands()).containsOnly("EHLO", "QUIT");
        }
    }

    @Test
    void certificateForAnotherNameFromAnUnknownIssuerWarns() throws Exception {
        try (SmtpResponder wrong = new SmtpResponder(serverContext(selfSigned("other.example.net")))) {
            Report report = probe("probe.example.com", wrong.port());

            assertThat(report.findings("smtp.starttls")).allMatch(f -> f.status() == Status.PASS);
            assertThat(report.findings("smtp.cert-name")).hasSize(2).allSatisfy(f -> {
                assertThat(f.status()).isEqualTo(Status.WARN);
                assertThat(f.message()).contains("CN=other.example.net");
            });
            assertThat(report.findings("smtp.cert-trust")).hasSize(2).allMatch(f -> f.status() == Status.WARN);
        }
    }

    @Test
    void closedPortFails() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = socket.getLocalPort();
        }
        Report report = probe("probe.example.com", closed);

        assertThat(report.findings("smtp.banner")).hasSize(2).allSatisfy(f -> {
            assertThat(f.status()).isEqualTo(Status.FAIL);
            assertThat(f.message()).startsWith("no SMTP conversation");
        });
    }

}
