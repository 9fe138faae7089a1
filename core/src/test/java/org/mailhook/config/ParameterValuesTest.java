package org.mailhook.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ParameterValuesTest {
    private static final long MB = 1024 * 1024;

    @Test
    void byteCountsTakeBinaryUnits() {
        assertThat(ParameterValues.parseBytes("0", "k")).isZero();
        assertThat(ParameterValues.parseBytes(" 150000000 ", "k")).isEqualTo(150_000_000L);
        assertThat(ParameterValues.parseBytes("512M", "k")).isEqualTo(512 * MB);
        assertThat(ParameterValues.parseBytes("40MB", "k")).isEqualTo(41_943_040L);
        assertThat(ParameterValues.parseBytes("2gb", "k")).isEqualTo(2048 * MB);
        assertThat(ParameterValues.parseBytes("64k", "k")).isEqualTo(64 * 1024);
        for (String bad : new String[] {"", "abc", "-1", "1.5G", "12T", "999999999999999G"}) {
            assertThatThrownBy(() -> ParameterValues.parseBytes(bad, "mailhook.properties: smtp.minFreeBytes"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("mailhook.properties: smtp.minFreeBytes: '" + bad + "'");
        }
    }

    @Test
    void durationsReadJamesUnits() {
        assertThat(Durations.parse("500", "x")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("250ms", "x")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("2 minutes", "x")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("1 hour", "x")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("30 sec", "x")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("1d", "x")).isEqualTo(Duration.ofDays(1));
        assertThatThrownBy(() -> Durations.parse("5 fortnights", "readTimeout")).hasMessageStartingWith("readTimeout");
    }

    @Test
    void engineMessagesAreRestatedForTheirSource() {
        ParameterValues mailet = ParameterValues.ofMailet("WebhookDelivery", name -> null);
        assertThat(mailet.locate("maxAge: 'x' is not a duration")).isEqualTo("WebhookDelivery: <maxAge>: 'x' is not a duration");
        assertThat(mailet.locate("WebhookDelivery: <url>: required")).isEqualTo("WebhookDelivery: <url>: required");
        assertThat(mailet.locate("cannot open it")).isEqualTo("WebhookDelivery: cannot open it");
        assertThat(ParameterValues.ofFile("mailhook.properties", name -> null).locate("webhook.allowCidrs: bad"))
            .isEqualTo("mailhook.properties: webhook.allowCidrs: bad");
    }

    @Test
    void blankValuesTakeTheDefault() {
        ParameterValues values = ParameterValues.of(Map.of("retention", " ", "concurrency", "")::get);
        assertThat(values.duration("retention", Duration.ofDays(30))).isEqualTo(Duration.ofDays(30));
        assertThat(values.wholeNumber("concurrency", 8, 1, 1000)).isEqualTo(8);
        assertThat(values.text("missing")).isEmpty();
        assertThat(values.flag("missing", true)).isTrue();
    }

    @Test
    void valuesAreTrimmedAndRead() {
        ParameterValues values = ParameterValues.of(Map.of("n", " 12 ", "d", "5m", "size", "40M", "on", "Yes")::get);
        assertThat(values.wholeNumber("n", 0, 0, 100)).isEqualTo(12);
        assertThat(values.duration("d", Duration.ZERO)).isEqualTo(Duration.ofMinutes(5));
        assertThat(values.bytes("size", 0)).isEqualTo(40 * MB);
        assertThat(values.flag("on", false)).isTrue();
    }

    @Test
    void errorsNameTheSourceTheKeyTheValueAndTheForm() {
        Map<String, String> bad = Map.of("maxRetries", "abc", "queueSize", "5000", "retention", "soon", "on", "maybe", "size", "2M");
        assertThatThrownBy(() -> ParameterValues.ofMailet("WebhookDelivery", bad::get).wholeNumber("maxRetries", 0, 0, 1000))
            .hasMessage("WebhookDelivery: <maxRetries>: 'abc' is not a whole number (0..1000)");
        assertThatThrownBy(() -> ParameterValues.ofMailet("WebhookDelivery", bad::get).wholeNumber("queueSize", 0, 1, 1000))
            .hasMessage("WebhookDelivery: <queueSize>: '5000' is not a whole number (1..1000)");
        assertThatThrownBy(() -> ParameterValues.ofFile("mailhook.properties", bad::get).duration("retention", Duration.ZERO))
            .hasMessage("mailhook.properties: retention: 'soon' is not a duration (like 500ms, 5s, 5m, 2h, 1d)");
        assertThatThrownBy(() -> ParameterValues.of(bad::get).flag("on", false)).hasMessage("on: 'maybe' is not true or false");
        assertThatThrownBy(() -> ParameterValues.of(bad::get).bytes("size", 0, 0, 1024))
            .hasMessage("size: '2M' is not a byte count (0..1024)");
        assertThatThrownBy(() -> ParameterValues.of(bad::get).wholeNumber("maxRetries", 0, 1, Integer.MAX_VALUE))
            .hasMessage("maxRetries: 'abc' is not a whole number (at least 1)");
    }
}
