package org.mailhook.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import okhttp3.Dns;

class SsrfGuardTest {
    private static final SsrfGuard STRICT = new SsrfGuard(SsrfGuard.Policy.strict(), Dns.SYSTEM);

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

    @Test
    void cidrMatchesPartialBytes() {
        Cidr block = Cidr.parse("172.16.0.0/12");
        assertThat(block.contains(Cidr.literal("172.31.0.1").orElseThrow())).isTrue();
        assertThat(block.contains(Cidr.literal("172.32.0.1").orElseThrow())).isFalse();
        assertThat(block.contains(Cidr.literal("::1").orElseThrow())).isFalse();
        assertThat(Cidr.literal("localhost")).isEmpty();
    }
}
