package org.mailhook.mailets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class WebhookPayloadTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DOCUMENT = "{\"schema\":\"mailhook.message.v1\",\"id\":\"k\","
        + "\"attachments\":[{\"partId\":\"2\",\"filename\":\"a.bin\",\"content\":\"AAECAwQFBgcICQ==\"}]}";

    private static FakeMail mail() throws Exception {
        FakeMail mail = FakeMail.builder().name("m").build();
        MailAttributes.set(mail, MailAttributes.JSON, DOCUMENT);
        DeliveryAttributes.start(mail, "orders", "msg_x", 0L, "{\"endpoint\":\"orders\",\"recipients\":[]}");
        return mail;
    }

    @Test
    void smallDocumentIsSentWholeWithItsRoute() throws Exception {
        JsonNode payload = JSON.readTree(new String(WebhookQueueConsumer.payload(mail(), 1024 * 1024), StandardCharsets.UTF_8));
        assertThat(payload.path("attachments").get(0).path("content").asText()).isEqualTo("AAECAwQFBgcICQ==");
        assertThat(payload.path("route").path("endpoint").asText()).isEqualTo("orders");
        assertThat(payload.has("thin")).isFalse();
    }

    @Test
    void documentAboveTheLimitIsSentThin() throws Exception {
        JsonNode payload = JSON.readTree(new String(WebhookQueueConsumer.payload(mail(), 10), StandardCharsets.UTF_8));
        assertThat(payload.path("thin").asBoolean()).isTrue();
        assertThat(payload.path("attachments").get(0).has("content")).isFalse();
        assertThat(payload.path("attachments").get(0).path("contentRef").asText()).isEqualTo("attachments/2");
        assertThat(payload.path("route").path("endpoint").asText()).isEqualTo("orders");
    }
}
