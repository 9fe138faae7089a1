package org.mailhook.matchers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.mail.MessagingException;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.apache.mailet.base.GenericMatcher;
import org.junit.jupiter.api.Test;
import org.mailhook.mailets.MailAttributes;

class SpamMatchersTest {
    private static <T extends GenericMatcher> T matcher(T matcher, String condition) throws MessagingException {
        matcher.init(FakeMatcherConfig.builder().matcherName(matcher.getClass().getSimpleName()).condition(condition).build());
        return matcher;
    }

    /** The attributes ScoreSpam sets: status always, action and score only when Rspamd answered. */
    private static Mail mail(String status, String action, String score) throws MessagingException {
        FakeMail.Builder mail = FakeMail.builder().name("m").recipients("a@example.org", "b@example.org");
        if (status != null) {
            mail.attribute(new Attribute(MailAttributes.SPAM_STATUS, AttributeValue.of(status)));
        }
        if (action != null) {
            mail.attribute(new Attribute(MailAttributes.SPAM_ACTION, AttributeValue.of(action)));
            mail.attribute(new Attribute(MailAttributes.SPAM_SCORE, AttributeValue.of(score)));
        }
        return mail.build();
    }

    @Test
    void spamActionMatchesTheListedActionsOnly() throws Exception {
        SpamAction rejects = matcher(new SpamAction(), "reject, soft reject");

        assertThat(rejects.match(mail("scored", "reject", "15.0"))).hasSize(2);
        assertThat(rejects.match(mail("scored", "soft reject", "9.0"))).hasSize(2);
        assertThat(rejects.match(mail("scored", "add header", "7.0"))).isEmpty();
        assertThat(rejects.match(mail("scored", "no action", "0.5"))).isEmpty();
        assertThat(rejects.match(mail("unavailable", null, null))).as("unscored is never spam").isEmpty();
        assertThat(rejects.match(mail(null, null, null))).as("ScoreSpam did not run").isEmpty();
        assertThat(matcher(new SpamAction(), "add_header").match(mail("scored", "add header", "7.0"))).hasSize(2);
    }

    @Test
    void spamActionRefusesUnknownActions() {
        assertThatThrownBy(() -> matcher(new SpamAction(), "reject,bounce")).isInstanceOf(MessagingException.class)
            .hasMessageContaining("unknown action 'bounce'").hasMessageContaining("soft reject");
        assertThatThrownBy(() -> matcher(new SpamAction(), "")).isInstanceOf(MessagingException.class);
    }

    @Test
    void spamScoreMatchesAtOrAboveTheThreshold() throws Exception {
        SpamScore six = matcher(new SpamScore(), "6");

        assertThat(six.match(mail("scored", "add header", "6.0"))).hasSize(2);
        assertThat(six.match(mail("scored", "reject", "15.0"))).hasSize(2);
        assertThat(six.match(mail("scored", "no action", "5.99"))).isEmpty();
        assertThat(six.match(mail("scored", "no action", "-0.1"))).isEmpty();
        assertThat(six.match(mail("unavailable", null, null))).isEmpty();
        assertThat(matcher(new SpamScore(), "-1").match(mail("scored", "no action", "-0.1"))).hasSize(2);
    }

    @Test
    void spamScoreRefusesWhatIsNotANumber() {
        assertThatThrownBy(() -> matcher(new SpamScore(), "high")).isInstanceOf(MessagingException.class)
            .hasMessageContaining("SpamScore: 'high' is not a number");
        assertThatThrownBy(() -> matcher(new SpamScore(), null)).isInstanceOf(MessagingException.class);
        assertThatThrownBy(() -> matcher(new SpamScore(), "NaN")).isInstanceOf(MessagingException.class);
    }
}
