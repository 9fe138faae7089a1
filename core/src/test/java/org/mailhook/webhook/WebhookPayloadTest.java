package org.mailhook.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class WebhookPayloadTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DOCUMENT = "{\"schema\":\"mailhook.message.v1\",\"id\":\"k\","
        + "\"attachments\":[{\"partId\":\"2\",\"filename\":\"a.bin\",\"content\":\"AAECAwQFBgcICQ==\"}]}\n";
    private static final String ROUTE = "{\"endpoint\":\"orders\",\"recipients\":[]}";

    private static JsonNode compose(long thinAbove) throws Exception {
        return JSON.readTree(new String(WebhookPayload.compose(DOCUMENT, ROUTE, thinAbove), StandardCharsets.UTF_8));
    }

    @Test
    void smallDocumentIsSentWholeWithItsRoute() throws Exception {
        JsonNode payload = compose(1024 * 1024);
        assertThat(payload.path("attachments").get(0).path("content").asText()).isEqualTo("AAECAwQFBgcICQ==");
        assertThat(payload.path("route").path("endpoint").asText()).isEqualTo("orders");
        assertThat(payload.has("thin")).isFalse();
    }

    @Test
    void documentAboveTheLimitIsSentThin() throws Exception {
        JsonNode payload = compose(10);
        assertThat(payload.path("thin").asBoolean()).isTrue();
        assertThat(payload.path("attachments").get(0).has("content")).isFalse();
        assertThat(payload.path("attachments").get(0).path("contentRef").asText()).isEqualTo("attachments/2");
        assertThat(payload.path("route").path("endpoint").asText()).isEqualTo("orders");
    }

    @Test
    void routeNamesTheEndpointAndEachRecipientWithItsTag() throws Exception {
        Endpoint endpoint = Endpoint.builder("orders", "https://hooks.example.com/orders")
            .secret(WebhookSecret.parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")).build();
        Routes.Delivery delivery = new Routes.Delivery(endpoint, List.of(
            new Routes.RoutedRecipient("orders+eu@inbound.example", Optional.of("eu")),
            new Routes.RoutedRecipient("orders@inbound.example", Optional.empty())));

        JsonNode route = JSON.readTree(WebhookPayload.routeJson(delivery));

        assertThat(route.path("endpoint").asText()).isEqualTo("orders");
        assertThat(route.path("recipients").get(0).path("address").asText()).isEqualTo("orders+eu@inbound.example");
        assertThat(route.path("recipients").get(0).path("tag").asText()).isEqualTo("eu");
        assertThat(route.path("recipients").get(1).path("tag").isNull()).isTrue();
    }

    @Test
    void anUpdateIsTheDocumentWithItsEventFirstUnderAWebhookIdOfItsOwnPerRevision() throws Exception {
        String update = WebhookPayload.asUpdate("{\"schema\":\"mailhook.message.v1\",\"id\":\"mh1_a\",\"revision\":2}");

        assertThat(update).startsWith("{\"event\":\"message.updated\",\"schema\"");
        assertThat(new ObjectMapper().readTree(update).path("revision").asInt()).isEqualTo(2);
        String original = WebhookIds.forDelivery("mh1_a", "orders");
        assertThat(WebhookIds.forUpdate("mh1_a", "orders", 2)).startsWith("msg_").hasSize(original.length())
            .isNotEqualTo(original).isNotEqualTo(WebhookIds.forUpdate("mh1_a", "orders", 3))
            .isNotEqualTo(WebhookIds.forUpdate("mh1_a", "billing", 2)).isEqualTo(WebhookIds.forUpdate("mh1_a", "orders", 2));
    }
}
