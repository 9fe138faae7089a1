package org.mailhook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.doctor.KnotDns;
import org.mailhook.doctor.KnotDns.Zone;

/** {@code mailhook doctor} end to end: arguments, report formats and exit codes, against Knot DNS on loopback. */
class DoctorCommandTest {
    @TempDir
    static Path dir;
    private static KnotDns knot;

    @BeforeAll
    static void startDns() throws Exception {
        knot = KnotDns.start(dir, List.of(
            new Zone("example.com", "ns A 127.0.0.1\n", false),
            new Zone("ok.example.com", """
                @ MX 10 mx1
                @ MX 20 mx2
                mx1 A 192.0.2.41
                mx2 A 198.51.100.41
                @ TXT "v=spf1 mx -all"
                _dmarc TXT "v=DMARC1; p=reject; rua=mailto:dmarc@ok.example.com"
                """, false),
            new Zone("nullmx.example.com", "@ MX 0 .\n", false),
            new Zone("local.example.com", """
                @ MX 10 mx1
                mx1 A 127.0.0.1
                """, false)));
    }

    @AfterAll
    static void stopDns() throws Exception {
        if (knot != null) {
            knot.close();
        }
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run doctor(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[argv.length + 1];
        all[0] = "doctor";
        System.arraycopy(argv, 0, all, 1, argv.length);
        int exit = Mailhook.run(all, new Console(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
        Run run = new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        System.out.println(run.out() + run.err());
        return run;
    }

    @Test
    void domainWithWarningsOnlyExitsZeroWithReadableReport() {
        Run run = doctor("ok.example.com", "--resolver", knot.address());

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("mailhook doctor ok.example.com (resolver " + knot.address())
            .contains("PASS  mx.count").contains("WARN  dnssec.ds").contains("advice: sign the zone")
            .contains("14 pass, 5 warn, 0 fail");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void failingCheckExitsOneAndJsonCarriesEveryFinding() throws Exception {
        Run run = doctor("nullmx.example.com", "--resolver", knot.address(), "--json");

        assertThat(run.exit()).isEqualTo(1);
        JsonNode report = new ObjectMapper().readTree(run.out());
        assertThat(report.get("domain").asText()).isEqualTo("nullmx.example.com");
        assertThat(report.get("status").asText()).isEqualTo("fail");
        JsonNode first = report.get("findings").get(0);
        assertThat(first.get("id").asText()).isEqualTo("mx.null");
        assertThat(first.get("status").asText()).isEqualTo("fail");
        assertThat(first.get("advice").asText()).startsWith("remove the null MX");
        assertThat(report.get("summary").get("fail").asInt()).isEqualTo(1);
    }

    @Test
    void expectMxAndSelectorsTakeRepeatsAndCommas() throws Exception {
        Run run = doctor("ok.example.com", "--resolver", knot.address(), "--json",
            "--expect-mx", "mx1.ok.example.com,mx2.ok.example.com", "--dkim-selector", "a", "--dkim-selector", "b");

        assertThat(run.exit()).isEqualTo(1);
        JsonNode findings = new ObjectMapper().readTree(run.out()).get("findings");
        assertThat(findings.findValuesAsText("id")).contains("mx.expected");
        assertThat(findings.findValuesAsText("subject")).contains("a._domainkey.ok.example.com", "b._domainkey.ok.example.com");
    }

    @Test
    void probeReportsProgressOnStderr() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = socket.getLocalPort();
        }
        Run run = doctor("local.example.com", "--resolver", knot.address(), "--probe", "--smtp-port", String.valueOf(closed), "--timeout", "3");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("mailhook doctor: probing SMTP at mx1.local.example.com [127.0.0.1]:" + closed);
        assertThat(run.out()).contains("FAIL  smtp.banner");
    }

    @Test
    void usageAndResolutionErrorsExitTwo() {
        assertThat(doctor().exit()).isEqualTo(2);
        assertThat(doctor("ok.example.com", "--resolver", "not-an-ip").err()).contains("--resolver: 'not-an-ip' is not IP[:PORT]");
        assertThat(doctor("ok.example.com", "--bogus").exit()).isEqualTo(2);
        assertThat(doctor("bad..name").exit()).isEqualTo(2);
        Run silent = doctor("ok.example.com", "--resolver", "127.0.0.1:9", "--timeout", "1");
        assertThat(silent.exit()).isEqualTo(2);
        assertThat(silent.err()).startsWith("mailhook doctor: no answer from 127.0.0.1:9 for ok.example.com MX");
    }
}
