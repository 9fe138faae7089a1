package org.mailhook.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.junit.jupiter.api.Test;

/** The recipient callback's configuration in smtpserver.xml: off by default, and a bad value stops startup naming the file and key. */
class AskRecipientCallbackTest {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private final RecordingMetricFactory metrics = new RecordingMetricFactory();

    private AskRecipientCallback hook(Map<String, String> parameters) throws ConfigurationException {
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        parameters.forEach(config::addProperty);
        // no domain list: a disabled callback must not even ask whether the domain is ours
        AskRecipientCallback hook = new AskRecipientCallback(null, metrics);
        hook.init(config);
        return hook;
    }

    @Test
    void offByDefaultItLeavesEveryRecipientToTheNextCheck() throws Exception {
        AskRecipientCallback hook = hook(Map.of("url", "http://127.0.0.1:9/never-asked"));
        assertThat(hook.doRcpt(null, MaybeSender.nullSender(), new MailAddress("orders@inbound.example"))).isEqualTo(HookResult.DECLINED);
        assertThat(metrics.countFor(AskRecipientCallback.ANSWERS + "unavailable")).isZero();
    }

    @Test
    void aBadValueStopsStartupNamingTheFileAndTheKey() {
        assertThatThrownBy(() -> hook(Map.of("enabled", "true", "url", "https://hooks.example/rcpt", "secret", SECRET,
            "whenUnavailable", "deliver")))
            .isInstanceOf(ConfigurationException.class)
            .hasMessage("smtpserver.xml: AskRecipientCallback: whenUnavailable: 'deliver' is not tempfail or accept");
        assertThatThrownBy(() -> hook(Map.of("enabled", "true", "url", "http://127.0.0.1:9/rcpt", "secret", SECRET)))
            .hasMessageStartingWith("smtpserver.xml: AskRecipientCallback: url: host '127.0.0.1': ")
            .hasMessageContaining("allowLoopback");
        assertThatThrownBy(() -> hook(Map.of("enabled", "true", "url", "https://hooks.example/rcpt", "secret", "hunter2")))
            .hasMessageStartingWith("smtpserver.xml: AskRecipientCallback: secret: ").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> hook(Map.of("enabled", "true", "url", "https://hooks.example/rcpt", "secret", SECRET, "timeout", "soon")))
            .hasMessageStartingWith("smtpserver.xml: AskRecipientCallback: timeout: 'soon'");
    }
}
