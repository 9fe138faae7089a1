package org.mailhook.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The MTA-STS policy text and mx patterns (RFC 8461 3.2, 4.1). */
class MtaStsPolicyTest {

    @Test
    void validPolicyWithCrlfAndExtensionKeys() {
        MtaStsCheck.Policy policy = MtaStsCheck.parse("version: STSv1\r\nmode: testing\r\nmx: mx1.example.com\r\n"
            + "mx: *.backup.example.net\r\nmax_age: 86400\r\nextension: ignored\r\n");

        assertThat(policy.problems()).isEmpty();
        assertThat(policy.mx()).containsExactly("mx1.example.com", "*.backup.example.net");
        assertThat(policy.fields()).containsEntry("mode", "testing").containsEntry("max_age", "86400");
    }

    @Test
    void everyProblemIsNamed() {
        MtaStsCheck.Policy policy = MtaStsCheck.parse("version: STSv2\nmode: strict\nmax_age: 99999999999\ngarbage\n");

        assertThat(policy.problems()).containsExactly("line 'garbage' is not key: value", "version: STSv1 is missing",
            "mode: strict is not enforce, testing or none", "max_age: 99999999999 is not 0-31557600", "no mx: line");
    }

    @Test
    void modeNoneNeedsNoMx() {
        assertThat(MtaStsCheck.parse("version: STSv1\nmode: none\nmax_age: 0\n").problems()).isEmpty();
    }

    @Test
    void wildcardCoversExactlyOneLeftmostLabel() {
        assertThat(MtaStsCheck.matches("*.example.com", "mx1.example.com")).isTrue();
        assertThat(MtaStsCheck.matches("*.example.com", "MX1.Example.COM.")).isTrue();
        assertThat(MtaStsCheck.matches("*.example.com", "a.mx1.example.com")).isFalse();
        assertThat(MtaStsCheck.matches("*.example.com", "example.com")).isFalse();
        assertThat(MtaStsCheck.matches("mx1.example.com", "mx1.example.com")).isTrue();
        assertThat(MtaStsCheck.matches("mx1.example.com", "mx2.example.com")).isFalse();
    }
}
