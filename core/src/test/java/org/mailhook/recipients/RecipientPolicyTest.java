package org.mailhook.recipients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.mailhook.recipients.RecipientPolicy.Decision;
import org.mailhook.recipients.RecipientPolicy.Mode;

class RecipientPolicyTest {
    private static final Predicate<String> ROUTES = Set.of("orders@shop.example", "orders@open.example")::contains;

    @Test
    void routedByDefaultTakesOnlyCoveredRecipients() {
        RecipientPolicy policy = RecipientPolicy.fromParameters(Map.<String, String>of()::get);
        assertThat(policy.decide("orders@shop.example", ROUTES)).isEqualTo(Decision.ACCEPT);
        assertThat(policy.decide("nobody@shop.example", ROUTES)).isEqualTo(Decision.UNKNOWN);
    }

    @Test
    void catchAllDomainsTakeEveryLocalPartAnyCase() {
        RecipientPolicy policy = RecipientPolicy.fromParameters(Map.of("catchAllDomains", "Open.Example, other.example")::get);
        assertThat(policy.decide("anything@OPEN.example", ROUTES)).isEqualTo(Decision.ACCEPT);
        assertThat(policy.decide("x@other.example", ROUTES)).isEqualTo(Decision.ACCEPT);
        assertThat(policy.decide("x@shop.example", ROUTES)).isEqualTo(Decision.UNKNOWN);
        assertThat(policy.modeOf("open.example")).isEqualTo(Mode.CATCH_ALL);
    }

    @Test
    void catchAllDefaultWithRoutedExceptions() {
        RecipientPolicy policy = RecipientPolicy.fromParameters(Map.of("mode", "catchall", "routedDomains", "shop.example")::get);
        assertThat(policy.decide("x@anywhere.example", ROUTES)).isEqualTo(Decision.ACCEPT);
        assertThat(policy.decide("x@shop.example", ROUTES)).isEqualTo(Decision.UNKNOWN);
        assertThat(policy.decide("orders@shop.example", ROUTES)).isEqualTo(Decision.ACCEPT);
    }

    @Test
    void badValuesAreNamed() {
        assertThatThrownBy(() -> RecipientPolicy.fromParameters(Map.of("mode", "strict")::get))
            .hasMessage("mode: 'strict' is not routed or catchAll");
        assertThatThrownBy(() -> RecipientPolicy.fromParameters(Map.of("catchAllDomains", "a.example, *@b.example")::get))
            .hasMessageStartingWith("catchAllDomains: '*@b.example' is not domain names");
        assertThatThrownBy(() -> RecipientPolicy.fromParameters(Map.of("catchAllDomains", "a.example", "routedDomains", "A.example")::get))
            .hasMessage("routedDomains: 'a.example' is also in catchAllDomains");
    }
}
