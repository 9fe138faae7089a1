package org.mailhook.doctor;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** A missing DNS server binary aborts the tests with a note, or fails them where services are required (CI). */
class KnotDnsTest {

    @Test
    void missingBinaryAbortsOrFailsAsConfigured() {
        Class<? extends Throwable> expected = Boolean.getBoolean("mailhook.services.required")
            ? AssertionFailedError.class : TestAbortedException.class;

        assertThatThrownBy(() -> KnotDns.binary("knotd-that-is-not-installed"))
            .isInstanceOf(expected)
            .hasMessageContaining(".ci/setup/dns.sh");
    }
}
