package org.mailhook.mailets;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;

class RecordMetricsTest {
    private final RecordingMetricFactory metrics = new RecordingMetricFactory();

    private RecordMetrics mailet() throws Exception {
        RecordMetrics mailet = new RecordMetrics(metrics);
        mailet.init(FakeMailetConfig.builder().mailetName("RecordMetrics").build());
        return mailet;
    }

    @Test
    void countsWhatTheEarlierMailetsFound() throws Exception {
        FakeMail mail = FakeMail.builder().name("m1").build();
        MailAttributes.set(mail, MailAttributes.SUMMARY, "{\"id\":\"mh1_x\",\"messageId\":null,\"errorCount\":1}");
        MailAttributes.set(mail, MailAttributes.AUTH, "{\"spf\":{\"result\":\"pass\"},\"dkim\":[{\"result\":\"fail\"},{\"result\":\"pass\"}],"
            + "\"dmarc\":{\"result\":\"fail\"},\"arc\":{\"result\":\"none\"}}");
        MailAttributes.set(mail, MailAttributes.SECURITY, "{\"verdict\":\"dangerous\",\"quarantined\":[{\"partId\":\"2\",\"reasons\":[\"exe\"]}]}");
        mailet().service(mail);
        assertThat(metrics.countFor(RecordMetrics.ACCEPTED)).isEqualTo(1);
        assertThat(metrics.countFor(RecordMetrics.PARSE_ERRORS)).isEqualTo(1);
        assertThat(metrics.countFor(RecordMetrics.MISSING_MESSAGE_ID)).isEqualTo(1);
        assertThat(metrics.countFor(RecordMetrics.QUARANTINED)).isEqualTo(1);
        assertThat(metrics.countForPrefixName(RecordMetrics.AUTH_PREFIX)).containsOnly(
            java.util.Map.entry("mailhook_auth_spf_pass", 1), java.util.Map.entry("mailhook_auth_dkim_fail", 1),
            java.util.Map.entry("mailhook_auth_dmarc_fail", 1), java.util.Map.entry("mailhook_auth_arc_none", 1));
    }

    @Test
    void aCleanMailOnlyCountsAsAccepted() throws Exception {
        FakeMail mail = FakeMail.builder().name("m2").build();
        MailAttributes.set(mail, MailAttributes.SUMMARY, "{\"id\":\"mh1_y\",\"messageId\":\"a@b\",\"errorCount\":0}");
        mailet().service(mail);
        assertThat(metrics.countFor(RecordMetrics.ACCEPTED)).isEqualTo(1);
        assertThat(metrics.countFor(RecordMetrics.PARSE_ERRORS)).isZero();
        assertThat(metrics.countFor(RecordMetrics.MISSING_MESSAGE_ID)).isZero();
        assertThat(metrics.countForPrefixName(RecordMetrics.AUTH_PREFIX)).isEmpty();
    }

    @Test
    void countsWhatAReportSaysPassedAndFailedPerReportedDomain() throws Exception {
        FakeMail mail = FakeMail.builder().name("m3").build();
        MailAttributes.set(mail, MailAttributes.SUMMARY, "{\"id\":\"mh1_z\",\"messageId\":\"r@b\",\"reportKind\":\"dmarc-aggregate\","
            + "\"reportCounts\":[{\"domain\":\"example.com\",\"pass\":120,\"fail\":3},{\"domain\":\"mail.example.org\",\"pass\":0,\"fail\":7}]}");
        mailet().service(mail);
        mailet().service(mail);
        assertThat(metrics.countForPrefixName(RecordMetrics.REPORT_PREFIX)).containsOnly(
            java.util.Map.entry("mailhook_report_dmarc_aggregate_example_com_pass", 240),
            java.util.Map.entry("mailhook_report_dmarc_aggregate_example_com_fail", 6),
            java.util.Map.entry("mailhook_report_dmarc_aggregate_mail_example_org_pass", 0),
            java.util.Map.entry("mailhook_report_dmarc_aggregate_mail_example_org_fail", 14));
    }
}
