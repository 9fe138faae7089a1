package org.mailhook.auth.results;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ForgedResultsTest {

    @Test
    void recognisesOurAuthservIdWithVersionsCommentsAndCase() {
        assertThat(ForgedResults.claims(" mx.example.net; spf=pass smtp.mailfrom=a@b.example", "mx.example.net")).isTrue();
        assertThat(ForgedResults.claims("MX.Example.NET 1; dkim=pass", "mx.example.net")).isTrue();
        assertThat(ForgedResults.claims("(forged) mx.example.net;\r\n\tdmarc=pass", "mx.example.net")).isTrue();
        assertThat(ForgedResults.claims("mx.example.net; none", "mx.example.net")).isTrue();
    }

    @Test
    void leavesOtherServersResultsAlone() {
        assertThat(ForgedResults.claims("lists.example.org; spf=pass", "mx.example.net")).isFalse();
        assertThat(ForgedResults.claims("mx.example.net.evil.org; spf=pass", "mx.example.net")).isFalse();
        assertThat(ForgedResults.claims("", "mx.example.net")).isFalse();
    }
}
