package org.mailhook.spam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.mailhook.spam.SpamPolicy.Answer;

class SpamPolicyTest {
    private static final SpamVerdict REJECTED = verdict(SpamAction.REJECT);
    private static final SpamVerdict GREYLISTED = verdict(SpamAction.GREYLIST);
    private static final SpamVerdict SOFT = verdict(SpamAction.SOFT_REJECT);
    private static final SpamVerdict HEADER = verdict(SpamAction.ADD_HEADER);
    private static final SpamVerdict DOWN = SpamVerdict.unavailable("rspamd", "ConnectException");

    private static SpamVerdict verdict(SpamAction action) {
        return SpamVerdict.scored("rspamd", "3.4", 20, 15, action, List.of());
    }

    private static SpamPolicy policy(String... keyValues) {
        Map<String, String> parameters = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            parameters.put(keyValues[i], keyValues[i + 1]);
        }
        return SpamPolicy.fromParameters(parameters::get);
    }

    @Test
    void theDefaultScoresAndDelivers() throws Exception {
        SpamPolicy policy = policy();
        assertThat(policy.decide(REJECTED, List.of("inbound.example"), "a@spam.example", InetAddress.getByName("192.0.2.1")))
            .isEqualTo(Answer.DELIVER);
        assertThat(policy.decide(DOWN, List.of("inbound.example"), null, null)).isEqualTo(Answer.DELIVER);
    }

    @Test
    void rejectPolicyAnswersByAction() {
        SpamPolicy policy = policy("policy", "reject");
        assertThat(policy.decide(REJECTED, List.of("inbound.example"), "a@x.example", null)).isEqualTo(Answer.REJECT);
        assertThat(policy.decide(SOFT, List.of("inbound.example"), "a@x.example", null)).isEqualTo(Answer.TEMPFAIL);
        assertThat(policy.decide(GREYLISTED, List.of("inbound.example"), "a@x.example", null)).isEqualTo(Answer.TEMPFAIL);
        assertThat(policy.decide(HEADER, List.of("inbound.example"), "a@x.example", null)).isEqualTo(Answer.DELIVER);
    }

    @Test
    void perDomainTheStrictestRecipientDomainWins() {
        SpamPolicy policy = policy("rejectDomains", "Strict.example");
        assertThat(policy.decide(REJECTED, List.of("lenient.example"), "a@x.example", null)).isEqualTo(Answer.DELIVER);
        assertThat(policy.decide(REJECTED, List.of("lenient.example", "strict.example"), "a@x.example", null)).isEqualTo(Answer.REJECT);
        SpamPolicy inverse = policy("policy", "reject", "deliverDomains", "lenient.example");
        assertThat(inverse.decide(REJECTED, List.of("lenient.example"), "a@x.example", null)).isEqualTo(Answer.DELIVER);
        assertThat(inverse.decide(REJECTED, List.of("other.example"), "a@x.example", null)).isEqualTo(Answer.REJECT);
    }

    @Test
    void unavailableTempfailsWhenConfigured() {
        SpamPolicy policy = policy("whenUnavailable", "tempfail");
        assertThat(policy.decide(DOWN, List.of("inbound.example"), "a@x.example", null)).isEqualTo(Answer.TEMPFAIL_UNAVAILABLE);
    }

    @Test
    void allowlistedMailIsNeverRefusedNorDelayed() throws Exception {
        SpamPolicy policy = policy("policy", "reject", "whenUnavailable", "tempfail",
            "allowSenders", "alerts@bank.example, @partner.example, vendor.example", "allowNetworks", "198.51.100.0/24, 2001:db8::/32, 203.0.113.7");
        List<String> to = List.of("inbound.example");
        assertThat(policy.decide(REJECTED, to, "Alerts@Bank.example", null)).isEqualTo(Answer.DELIVER);
        assertThat(policy.decide(REJECTED, to, "other@bank.example", null)).isEqualTo(Answer.REJECT);
        assertThat(policy.decide(REJECTED, to, "anyone@partner.example", null)).isEqualTo(Answer.DELIVER);
        assertThat(policy.decide(GREYLISTED, to, "billing@vendor.example", null)).isEqualTo(Answer.DELIVER);
        assertThat(policy.decide(DOWN, to, "x@y.example", InetAddress.getByName("198.51.100.200"))).isEqualTo(Answer.DELIVER);
        assertThat(policy.decide(DOWN, to, "x@y.example", InetAddress.getByName("198.51.101.1"))).isEqualTo(Answer.TEMPFAIL_UNAVAILABLE);
        assertThat(policy.decide(REJECTED, to, "x@y.example", InetAddress.getByName("2001:db8:1::5"))).isEqualTo(Answer.DELIVER);
        assertThat(policy.decide(REJECTED, to, "x@y.example", InetAddress.getByName("203.0.113.7"))).isEqualTo(Answer.DELIVER);
        assertThat(policy.decide(REJECTED, to, "x@y.example", InetAddress.getByName("203.0.113.8"))).isEqualTo(Answer.REJECT);
        assertThat(policy.decide(REJECTED, to, null, null)).isEqualTo(Answer.REJECT);
    }

    @Test
    void cidrPrefixesThatAreNotByteAligned() throws Exception {
        Allowlist list = Allowlist.parse(Optional.empty(), Optional.of("10.1.64.0/18"));
        assertThat(list.allows(null, InetAddress.getByName("10.1.127.255"))).isTrue();
        assertThat(list.allows(null, InetAddress.getByName("10.1.128.0"))).isFalse();
        assertThat(list.allows(null, InetAddress.getByName("::1"))).isFalse();
    }

    @Test
    void badValuesAreNamed() {
        assertThatThrownBy(() -> policy("policy", "drop")).hasMessage("policy: 'drop' is not deliver or reject");
        assertThatThrownBy(() -> policy("whenUnavailable", "wait")).hasMessage("whenUnavailable: 'wait' is not deliver or tempfail");
        assertThatThrownBy(() -> policy("allowNetworks", "10.0.0.0/33")).hasMessageStartingWith("allowNetworks: '10.0.0.0/33' is not a network");
        assertThatThrownBy(() -> policy("allowNetworks", "mail.example")).hasMessageStartingWith("allowNetworks: 'mail.example' is not a network");
        assertThatThrownBy(() -> policy("allowSenders", "a@b@")).hasMessageStartingWith("allowSenders: 'a@b@' is not");
        assertThatThrownBy(() -> policy("rejectDomains", "a.example", "deliverDomains", "A.example"))
            .hasMessage("deliverDomains: 'a.example' is also in rejectDomains");
    }
}
