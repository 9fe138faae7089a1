package org.mailhook.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class DmarcPassRateTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static void add(DmarcPassRate rate, String json) throws Exception {
        rate.add(JSON.readTree(json));
    }

    @Test
    void passRateByTheDomainDmarcWasEvaluatedForMostMailsFirst() throws Exception {
        DmarcPassRate rate = new DmarcPassRate();
        add(rate, "{\"auth\":{\"dmarc\":{\"result\":\"pass\",\"domain\":\"Shop.example\"}}}");
        add(rate, "{\"auth\":{\"dmarc\":{\"result\":\"pass\",\"domain\":\"shop.example\"}}}");
        add(rate, "{\"auth\":{\"dmarc\":{\"result\":\"fail\",\"domain\":\"shop.example\"}}}");
        // no DMARC domain: the From address's domain, result none
        add(rate, "{\"from\":[{\"address\":\"a@news.example\"}]}");
        add(rate, "{}");
        List<DmarcPassRate.Domain> domains = rate.domains();
        assertThat(domains).extracting(DmarcPassRate.Domain::domain).containsExactly("shop.example", "(no sender domain)", "news.example");
        DmarcPassRate.Domain shop = domains.get(0);
        assertThat(shop.mails()).isEqualTo(3);
        assertThat(shop.passed()).isEqualTo(2);
        assertThat(shop.passRate()).isEqualTo(2.0 / 3);
        assertThat(shop.results()).isEqualTo(Map.of("pass", 2L, "fail", 1L));
        assertThat(domains.get(2).results()).isEqualTo(Map.of("none", 1L));
        assertThat(domains.get(2).passRate()).isZero();
    }
}
