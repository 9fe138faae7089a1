package org.mailhook.doctor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;

/** --resolver parsing: IP, IP:PORT, [IPv6]:PORT; names and bad ports are refused. */
class DoctorDnsTest {

    @Test
    void acceptsAddressesWithAndWithoutPort() {
        assertThat(DoctorDns.at("127.0.0.1", Duration.ofSeconds(1)).description()).isEqualTo("127.0.0.1");
        assertThat(DoctorDns.at("127.0.0.1:5353", Duration.ofSeconds(1)).description()).isEqualTo("127.0.0.1:5353");
        assertThat(DoctorDns.at("::1", Duration.ofSeconds(1)).description()).isEqualTo("::1");
        assertThat(DoctorDns.at("[::1]:5353", Duration.ofSeconds(1)).description()).isEqualTo("[::1]:5353");
    }

    @Test
    void refusesNamesAndBadPorts() {
        for (String bad : new String[] {"dns.example", "127.0.0.1:0", "127.0.0.1:70000", "127.0.0.1:x", "[::1", "[::1]x"}) {
            assertThatThrownBy(() -> DoctorDns.at(bad, Duration.ofSeconds(1))).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void hostNamesAreLowerCaseWithoutTrailingDot() throws Exception {
        assertThat(DoctorDns.hostName(Name.fromString("MX1.Example.COM."))).isEqualTo("mx1.example.com");
    }
}
