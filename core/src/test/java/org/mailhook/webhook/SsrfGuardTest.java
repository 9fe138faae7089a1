package org.mailhook.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mailhook.config.Cidr;

import okhttp3.Dns;
import okhttp3.HttpUrl;

class SsrfGuardTest {
    private static final SsrfGuard STRICT = new SsrfGuard(SsrfGuard.Policy.strict(), Dns.SYSTEM);
    private static final SsrfGuard LOOPBACK = new SsrfGuard(SsrfGuard.Policy.fromParameters(Map.of("allowLoopback", "true")::get), Dns.SYSTEM);
    private static final SsrfGuard PRIVATE = new SsrfGuard(SsrfGuard.Policy.fromParameters(Map.of("allowPrivate", "true")::get), Dns.SYSTEM);
    private static final String ALLOWED = null;

    /** One row: policy, URL, and null when it is allowed or a part of the reason it is refused. */
    record Row(String policy, String url, String refusedBecause) {
        @Override
        public String toString() {
            return policy + " " + url + " -> " + (refusedBecause == null ? "allowed" : "refused: " + refusedBecause);
        }
    }

    static List<Row> urls() {
        return List.of(
            // IPv4 in the notations WHATWG URL parsing accepts: decimal, short, octal, hex, mixed.
            new Row("strict", "http://2130706433/", "is IPv4 127.0.0.1: 127.0.0.1 is loopback"),
            new Row("strict", "http://127.1/", "is IPv4 127.0.0.1: 127.0.0.1 is loopback"),
            new Row("strict", "http://127.0.1/", "is IPv4 127.0.0.1: 127.0.0.1 is loopback"),
            new Row("strict", "http://0/", "is IPv4 0.0.0.0: 0.0.0.0 is unspecified"),
            new Row("strict", "http://0177.0.0.1/", "is IPv4 127.0.0.1: 127.0.0.1 is loopback"),
            new Row("strict", "http://0x7f.0.0.1/", "is IPv4 127.0.0.1: 127.0.0.1 is loopback"),
            new Row("strict", "http://0X7F.1/", "is IPv4 127.0.0.1: 127.0.0.1 is loopback"),
            new Row("strict", "http://0x7f000001/", "is IPv4 127.0.0.1: 127.0.0.1 is loopback"),
            new Row("strict", "http://017700000001/", "is IPv4 127.0.0.1: 127.0.0.1 is loopback"),
            new Row("strict", "http://127.0.0.1./", "127.0.0.1 is loopback"),
            new Row("strict", "http://167772161/", "is IPv4 10.0.0.1: 10.0.0.1 is private"),
            new Row("strict", "http://3232235777/", "is IPv4 192.168.1.1: 192.168.1.1 is private"),
            new Row("strict", "http://2852039166/latest", "is IPv4 169.254.169.254: 169.254.169.254 is metadata"),
            new Row("strict", "http://0xa9fea9fe/", "169.254.169.254 is metadata"),
            new Row("strict", "http://0xa9.0376.43518/", "169.254.169.254 is metadata"),
            // Public, but not a dotted quad: refused, since other parsers may read it differently.
            new Row("strict", "http://134744072/", "is IPv4 8.8.8.8 in a non-standard notation"),
            new Row("strict", "http://8.8.010.8/", "is IPv4 8.8.8.8 in a non-standard notation"),
            // Ends in a number but is no IPv4 address: refused, never looked up as a name.
            new Row("strict", "http://256.0.0.1/", "not a valid IPv4 address"),
            new Row("strict", "http://1.2.3.4.5/", "not a valid IPv4 address"),
            new Row("strict", "http://0x100000000/", "not a valid IPv4 address"),
            new Row("strict", "http://09.0.0.1/", "not a valid IPv4 address"),
            new Row("strict", "http://example.0x10/", "not a valid IPv4 address"),
            // Dotted quads in every refused range.
            new Row("strict", "http://127.0.0.1:8025/webhook", "127.0.0.1 is loopback"),
            new Row("strict", "http://10.0.0.1/", "10.0.0.1 is private"),
            new Row("strict", "http://172.16.5.4/", "172.16.5.4 is private"),
            new Row("strict", "http://192.168.0.10/", "192.168.0.10 is private"),
            new Row("strict", "http://100.64.0.1/", "100.64.0.1 is private"),
            new Row("strict", "http://169.254.169.254/latest", "169.254.169.254 is metadata"),
            new Row("strict", "http://169.254.1.1/", "169.254.1.1 is link-local"),
            new Row("strict", "http://0.0.0.0/", "0.0.0.0 is unspecified"),
            new Row("strict", "http://224.0.0.1/", "224.0.0.1 is multicast"),
            new Row("strict", "http://240.0.0.1/", "240.0.0.1 is reserved"),
            new Row("strict", "http://255.255.255.255/", "255.255.255.255 is reserved"),
            new Row("strict", "http://198.18.0.1/", "198.18.0.1 is reserved"),
            // IPv6 literals, and IPv4 carried in them.
            new Row("strict", "http://[::1]/", "is loopback"),
            new Row("strict", "http://[::]/", "is unspecified"),
            new Row("strict", "http://[fe80::1]/", "is link-local"),
            new Row("strict", "http://[fd00:ec2::254]/", "is metadata"),
            new Row("strict", "http://[fd12:3456::1]/", "is private"),
            new Row("strict", "http://[ff02::1]/", "is multicast"),
            new Row("strict", "http://[::ffff:127.0.0.1]/", "127.0.0.1 is loopback"),
            new Row("strict", "http://[::ffff:7f00:1]/", "127.0.0.1 is loopback"),
            new Row("strict", "http://[::ffff:a9fe:a9fe]/", "169.254.169.254 is metadata"),
            new Row("strict", "http://[::127.0.0.1]/", "carries IPv4 127.0.0.1) is loopback"),
            new Row("strict", "http://[64:ff9b::7f00:1]/", "carries IPv4 127.0.0.1) is loopback"),
            new Row("strict", "http://[64:ff9b::169.254.169.254]/", "carries IPv4 169.254.169.254) is metadata"),
            new Row("strict", "http://[2002:7f00:1::1]/", "carries IPv4 127.0.0.1) is loopback"),
            new Row("strict", "http://[2002:a00:1::]/", "carries IPv4 10.0.0.1) is private"),
            // Teredo: the client address is the last 32 bits inverted (~7f000001 = 80fffffe).
            new Row("strict", "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", "carries IPv4 127.0.0.1) is loopback"),
            new Row("strict", "http://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/", "carries IPv4 10.0.0.1) is private"),
            // Public addresses and names (names are judged when resolved and again at connect).
            new Row("strict", "https://8.8.8.8/hook", ALLOWED),
            new Row("strict", "http://[2606:4700::1111]/", ALLOWED),
            new Row("strict", "http://[64:ff9b::808:808]/", ALLOWED),
            new Row("strict", "http://[2001:0:4136:e378:8000:63bf:f7f7:f7f7]/", ALLOWED),
            new Row("strict", "https://hooks.example.com/in", ALLOWED),
            new Row("strict", "https://1.2.3.example/in", ALLOWED),
            // Opt-ins open exactly their range, and never a non-standard notation.
            new Row("allowLoopback", "http://127.0.0.1:8025/webhook", ALLOWED),
            new Row("allowLoopback", "http://[::1]:8025/webhook", ALLOWED),
            new Row("allowLoopback", "http://[::ffff:127.0.0.1]:8025/webhook", ALLOWED),
            new Row("allowLoopback", "http://2130706433:8025/webhook", "is IPv4 127.0.0.1 in a non-standard notation"),
            new Row("allowLoopback", "http://10.0.0.1/", "10.0.0.1 is private"),
            new Row("allowLoopback", "http://169.254.169.254/", "is metadata"),
            new Row("allowPrivate", "http://10.0.0.1/", ALLOWED),
            new Row("allowPrivate", "http://100.64.0.1/", ALLOWED),
            new Row("allowPrivate", "http://[::ffff:10.0.0.1]/", ALLOWED),
            new Row("allowPrivate", "http://127.0.0.1/", "127.0.0.1 is loopback"),
            new Row("allowPrivate", "http://169.254.169.254/", "is metadata"),
            new Row("allowPrivate", "http://0/", "0.0.0.0 is unspecified"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("urls")
    void everyNotationIsJudgedAsTheAddressItNames(Row row) {
        SsrfGuard guard = switch (row.policy()) {
            case "strict" -> STRICT;
            case "allowLoopback" -> LOOPBACK;
            case "allowPrivate" -> PRIVATE;
            default -> throw new IllegalArgumentException(row.policy());
        };
        HttpUrl url = HttpUrl.parse(row.url());
        assertThat(url).as("OkHttp parses %s", row.url()).isNotNull();
        Optional<String> refusal = guard.refusalForUrl(url);
        if (row.refusedBecause() == null) {
            assertThat(refusal).isEmpty();
        } else {
            assertThat(refusal).isPresent();
            assertThat(refusal.get()).contains(row.refusedBecause());
        }
    }

    @Test
    void specialAddressesAreCategorized() throws Exception {
        Map<String, Optional<SsrfGuard.Category>> expected = Map.ofEntries(
            Map.entry("127.0.0.1", Optional.of(SsrfGuard.Category.LOOPBACK)),
            Map.entry("127.8.9.10", Optional.of(SsrfGuard.Category.LOOPBACK)),
            Map.entry("::1", Optional.of(SsrfGuard.Category.LOOPBACK)),
            Map.entry("10.1.2.3", Optional.of(SsrfGuard.Category.PRIVATE)),
            Map.entry("172.16.0.1", Optional.of(SsrfGuard.Category.PRIVATE)),
            Map.entry("172.31.255.255", Optional.of(SsrfGuard.Category.PRIVATE)),
            Map.entry("192.168.1.1", Optional.of(SsrfGuard.Category.PRIVATE)),
            Map.entry("100.64.0.1", Optional.of(SsrfGuard.Category.PRIVATE)),
            Map.entry("100.127.255.254", Optional.of(SsrfGuard.Category.PRIVATE)),
            Map.entry("fd12:3456::1", Optional.of(SsrfGuard.Category.PRIVATE)),
            Map.entry("fc00::1", Optional.of(SsrfGuard.Category.PRIVATE)),
            Map.entry("169.254.1.1", Optional.of(SsrfGuard.Category.LINK_LOCAL)),
            Map.entry("fe80::1", Optional.of(SsrfGuard.Category.LINK_LOCAL)),
            Map.entry("169.254.169.254", Optional.of(SsrfGuard.Category.METADATA)),
            Map.entry("fd00:ec2::254", Optional.of(SsrfGuard.Category.METADATA)),
            Map.entry("0.0.0.0", Optional.of(SsrfGuard.Category.UNSPECIFIED)),
            Map.entry("::", Optional.of(SsrfGuard.Category.UNSPECIFIED)),
            Map.entry("224.0.0.1", Optional.of(SsrfGuard.Category.MULTICAST)),
            Map.entry("ff02::1", Optional.of(SsrfGuard.Category.MULTICAST)),
            Map.entry("255.255.255.255", Optional.of(SsrfGuard.Category.RESERVED)),
            // IPv4 hidden in IPv6 is judged as the IPv4 it carries.
            Map.entry("::ffff:127.0.0.1", Optional.of(SsrfGuard.Category.LOOPBACK)),
            Map.entry("64:ff9b::a9fe:a9fe", Optional.of(SsrfGuard.Category.METADATA)),
            Map.entry("2002:0a00:0001::1", Optional.of(SsrfGuard.Category.PRIVATE)),
            Map.entry("::10.0.0.1", Optional.of(SsrfGuard.Category.PRIVATE)),
            Map.entry("172.32.0.1", Optional.empty()),
            Map.entry("100.128.0.1", Optional.empty()),
            Map.entry("93.184.215.14", Optional.empty()),
            Map.entry("8.8.8.8", Optional.empty()),
            Map.entry("2606:4700::1111", Optional.empty()));
        for (Map.Entry<String, Optional<SsrfGuard.Category>> entry : expected.entrySet()) {
            InetAddress address = Cidr.literal(entry.getKey()).orElseThrow();
            assertThat(SsrfGuard.categorize(address)).as(entry.getKey()).isEqualTo(entry.getValue());
            assertThat(STRICT.refusal(address).isPresent()).as(entry.getKey()).isEqualTo(entry.getValue().isPresent());
        }
    }

    @Test
    void policyOpensOnlyWhatItNames() {
        SsrfGuard demo = new SsrfGuard(SsrfGuard.Policy.fromParameters(Map.of("allowLoopback", "true")::get), Dns.SYSTEM);
        assertThat(demo.refusalForHost("127.0.0.1")).isEmpty();
        assertThat(demo.refusalForHost("[::1]")).isEmpty();
        assertThat(demo.refusalForHost("10.0.0.1")).isPresent();

        SsrfGuard lan = new SsrfGuard(SsrfGuard.Policy.fromParameters(Map.of("allowPrivate", "yes")::get), Dns.SYSTEM);
        assertThat(lan.refusalForHost("10.0.0.1")).isEmpty();
        assertThat(lan.refusalForHost("100.64.1.1")).isEmpty();
        assertThat(lan.refusalForHost("169.254.169.254")).isPresent();
        assertThat(lan.refusalForHost("127.0.0.1")).isPresent();

        SsrfGuard explicit = new SsrfGuard(
            SsrfGuard.Policy.fromParameters(Map.of("allowCidrs", "10.20.0.0/16, 169.254.169.254/32")::get), Dns.SYSTEM);
        assertThat(explicit.refusalForHost("10.20.3.4")).isEmpty();
        assertThat(explicit.refusalForHost("10.21.3.4")).isPresent();
        assertThat(explicit.refusalForHost("169.254.169.254")).isEmpty();

        assertThat(STRICT.refusalForHost("169.254.169.254").orElseThrow()).contains("metadata");
        assertThat(STRICT.refusalForHost("example.com")).isEmpty();
    }

    @Test
    void badPolicyParametersAreNamed() {
        assertThatThrownBy(() -> SsrfGuard.Policy.fromParameters(Map.of("allowCidrs", "10.0.0.0/33")::get))
            .hasMessageStartingWith("allowCidrs");
        assertThatThrownBy(() -> SsrfGuard.Policy.fromParameters(Map.of("allowCidrs", "intranet.example/8")::get))
            .hasMessageStartingWith("allowCidrs");
        assertThatThrownBy(() -> SsrfGuard.Policy.fromParameters(Map.of("allowPrivate", "maybe")::get))
            .hasMessageStartingWith("allowPrivate");
    }

    @Test
    void everyResolutionIsJudgedSoRebindingIsRefused() throws Exception {
        Deque<List<InetAddress>> answers = new ArrayDeque<>(List.of(
            List.of(InetAddress.getByName("93.184.215.14")),
            List.of(InetAddress.getByName("93.184.215.14"), InetAddress.getByName("10.0.0.5")),
            List.of(InetAddress.getByName("127.0.0.1"))));
        SsrfGuard guard = new SsrfGuard(SsrfGuard.Policy.strict(), host -> answers.removeFirst());

        assertThat(guard.lookup("hooks.example")).extracting(InetAddress::getHostAddress).containsExactly("93.184.215.14");
        // Mixed answers keep only the public address: OkHttp connects to nothing else.
        assertThat(guard.lookup("hooks.example")).extracting(InetAddress::getHostAddress).containsExactly("93.184.215.14");
        assertThatThrownBy(() -> guard.lookup("hooks.example"))
            .isInstanceOf(SsrfGuard.RefusedException.class).hasMessageContaining("127.0.0.1 is loopback");
    }

    /** AAAA answers are built from bytes, so an IPv4-mapped one stays an Inet6Address that no text parsing folded. */
    @Test
    void aaaaAnswersCarryingIpv4AreJudgedAsThatIpv4() throws Exception {
        Map<String, String> answers = Map.of(
            "00000000000000000000ffff7f000001", "127.0.0.1) is loopback",
            "0000000000000000ffff00007f000001", "127.0.0.1) is loopback",
            "000000000000000000000000a9fea9fe", "169.254.169.254) is metadata",
            "0064ff9b0000000000000000a9fea9fe", "169.254.169.254) is metadata",
            "20020a00000100000000000000000001", "10.0.0.1) is private",
            "200100004136e378800063bf80fffffe", "127.0.0.1) is loopback");
        for (Map.Entry<String, String> answer : answers.entrySet()) {
            byte[] bytes = java.util.HexFormat.of().parseHex(answer.getKey());
            InetAddress aaaa = Inet6Address.getByAddress(null, bytes, -1);
            assertThat(aaaa).isInstanceOf(Inet6Address.class);
            SsrfGuard guard = new SsrfGuard(SsrfGuard.Policy.strict(), host -> List.of(aaaa));
            assertThatThrownBy(() -> guard.lookup("hooks.example")).as(answer.getKey())
                .isInstanceOf(SsrfGuard.RefusedException.class).hasMessageContaining(answer.getValue());
        }
        InetAddress publicNat64 = Inet6Address.getByAddress(null, java.util.HexFormat.of().parseHex("0064ff9b000000000000000008080808"), -1);
        assertThat(new SsrfGuard(SsrfGuard.Policy.strict(), host -> List.of(publicNat64)).lookup("hooks.example")).containsExactly(publicNat64);
    }

    /** The last check: the socket judges the address it is asked to connect to, and refuses before connecting. */
    @Test
    void theSocketRefusesARefusedAddressBeforeConnecting() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            listener.setSoTimeout(500);
            InetSocketAddress target = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), listener.getLocalPort());

            Socket refused = STRICT.socketFactory().createSocket();
            assertThatThrownBy(() -> refused.connect(target, 1000))
                .isInstanceOf(SsrfGuard.RefusedException.class).hasMessageContaining("127.0.0.1 is loopback");
            assertThat(refused.isConnected()).isFalse();
            assertThat(refused.isClosed()).isTrue();
            Socket mapped = STRICT.socketFactory().createSocket();
            InetSocketAddress mappedTarget = new InetSocketAddress(Inet6Address.getByAddress(null,
                java.util.HexFormat.of().parseHex("00000000000000000000ffff7f000001"), -1), listener.getLocalPort());
            assertThatThrownBy(() -> mapped.connect(mappedTarget)).isInstanceOf(SsrfGuard.RefusedException.class);
            assertThatThrownBy(() -> STRICT.socketFactory().createSocket("127.0.0.1", listener.getLocalPort()))
                .isInstanceOf(SsrfGuard.RefusedException.class);
            // Nothing reached the listener.
            assertThatThrownBy(listener::accept).isInstanceOf(SocketTimeoutException.class);

            // The same socket factory connects where the policy allows it.
            try (Socket allowed = LOOPBACK.socketFactory().createSocket(); Socket accepted = connectAndAccept(allowed, target, listener)) {
                assertThat(allowed.isConnected()).isTrue();
                assertThat(accepted.getInetAddress().getHostAddress()).isEqualTo("127.0.0.1");
            }
        }
    }

    private static Socket connectAndAccept(Socket socket, InetSocketAddress target, ServerSocket listener) throws Exception {
        socket.connect(target, 1000);
        return listener.accept();
    }

    @Test
    void cidrMatchesPartialBytes() {
        Cidr block = Cidr.parse("172.16.0.0/12");
        assertThat(block.contains(Cidr.literal("172.31.0.1").orElseThrow())).isTrue();
        assertThat(block.contains(Cidr.literal("172.32.0.1").orElseThrow())).isFalse();
        assertThat(block.contains(Cidr.literal("::1").orElseThrow())).isFalse();
        assertThat(Cidr.literal("localhost")).isEmpty();
    }
}
