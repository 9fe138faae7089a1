package org.mailhook.matchers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.Matcher;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.Test;
import org.mailhook.auth.AuthResult;
import org.mailhook.auth.AuthenticationReport;
import org.mailhook.mailets.MailAttributes;

class AuthResultMatchersTest {
    private static final String RECIPIENT = "someone@example.net";

    // The engine records share names with the matchers, so they are written out in full.

    /** A spoofed mail: SPF softfail, one failing and one unrelated passing signature, DMARC p=reject fail. */
    private static final AuthenticationReport SPOOFED = new AuthenticationReport(
        new org.mailhook.auth.spf.SpfResult(AuthResult.SOFTFAIL, "example.com", null, null),
        List.of(new org.mailhook.auth.dkim.DkimResult(AuthResult.FAIL, "example.com", "s1", "rsa-sha256", null, null,
                "body hash did not verify"),
            new org.mailhook.auth.dkim.DkimResult(AuthResult.PASS, "mailer.example", "s2", "ed25519-sha256", null, null,
                null)),
        new org.mailhook.auth.dmarc.DmarcResult(AuthResult.FAIL, "reject", "quarantine", "example.com", "outside pct"),
        new org.mailhook.auth.arc.ArcResult(AuthResult.NONE, "no ARC sets", 0, 0, List.of()), "mx; ...");

    private static final AuthenticationReport UNSIGNED = new AuthenticationReport(
        new org.mailhook.auth.spf.SpfResult(AuthResult.PASS, "example.com", null, null), List.of(),
        new org.mailhook.auth.dmarc.DmarcResult(AuthResult.NONE, null, "none", "example.com", null),
        new org.mailhook.auth.arc.ArcResult(AuthResult.PASS, "chain of 1 verified", 1, 1, List.of()), "mx; ...");

    @Test
    void dmarcMatchers() throws Exception {
        assertThat(matches(new DmarcResult(), "fail", SPOOFED)).isTrue();
        assertThat(matches(new DmarcResult(), "pass", SPOOFED)).isFalse();
        assertThat(matches(new DmarcPolicy(), "reject", SPOOFED)).isTrue();
        assertThat(matches(new DmarcPolicy(), "reject", UNSIGNED)).isFalse();
        assertThat(matches(new DmarcDisposition(), "reject", SPOOFED)).isFalse();
        assertThat(matches(new DmarcDisposition(), "quarantine,reject", SPOOFED)).isTrue();
    }

    @Test
    void spfMatcherTakesSeveralWords() throws Exception {
        assertThat(matches(new SpfResult(), "fail, SoftFail", SPOOFED)).isTrue();
        assertThat(matches(new SpfResult(), "fail,softfail", UNSIGNED)).isFalse();
    }

    @Test
    void dkimMatcherLooksAtEverySignature() throws Exception {
        assertThat(matches(new DkimResult(), "pass", SPOOFED)).isTrue();
        assertThat(matches(new DkimResult(), "fail", SPOOFED)).isTrue();
        assertThat(matches(new DkimResult(), "none", SPOOFED)).isFalse();
        assertThat(matches(new DkimResult(), "none", UNSIGNED)).isTrue();
    }

    @Test
    void arcMatcher() throws Exception {
        assertThat(matches(new ArcResult(), "pass", UNSIGNED)).isTrue();
        assertThat(matches(new ArcResult(), "pass", SPOOFED)).isFalse();
    }

    @Test
    void mailWithoutTheAttributeNeverMatches() throws Exception {
        Matcher matcher = init(new DmarcResult(), "none,fail,pass");
        Mail mail = FakeMail.builder().name("m").recipient(RECIPIENT).build();
        assertThat(matcher.match(mail)).isEmpty();
    }

    @Test
    void conditionIsRequired() {
        assertThatThrownBy(() -> init(new SpfResult(), "")).isInstanceOf(MessagingException.class);
    }

    private static boolean matches(Matcher matcher, String condition, AuthenticationReport report) throws Exception {
        Mail mail = FakeMail.builder().name("m").recipient(RECIPIENT)
            .attribute(new Attribute(MailAttributes.AUTH, AttributeValue.of(report.toJson()))).build();
        var matched = init(matcher, condition).match(mail);
        if (!matched.isEmpty()) {
            assertThat(matched).containsExactly(new MailAddress(RECIPIENT));
        }
        return !matched.isEmpty();
    }

    private static Matcher init(Matcher matcher, String condition) throws MessagingException {
        matcher.init(FakeMatcherConfig.builder().matcherName(matcher.getClass().getSimpleName()).condition(condition)
            .build());
        return matcher;
    }
}
