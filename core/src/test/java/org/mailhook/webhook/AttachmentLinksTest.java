package org.mailhook.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class AttachmentLinksTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private final ServerKey key = new ServerKey(new byte[32], new SecureRandom());
    private final AttachmentLinks links = new AttachmentLinks(key, "https://mx.example:8000/", Duration.ofHours(1), Clock.fixed(NOW, ZoneOffset.UTC));

    private static Map<String, String> query(String url) {
        Map<String, String> values = new HashMap<>();
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            values.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        return values;
    }

    @Test
    void everyAttachmentGetsASignedLinkThatExpiresAfterTheLifetime() throws Exception {
        byte[] payload = """
            {"id":"mh1_abc","attachments":[{"partId":"2","filename":"a.pdf","contentRef":"attachments/2"},
              {"partId":"3","message":{"attachments":[{"partId":"3.2"}]}}],"route":{"endpoint":"default"}}""".getBytes(StandardCharsets.UTF_8);

        JsonNode linked = JSON.readTree(links.addTo(payload));

        String url = linked.path("attachments").get(0).path("url").asText();
        assertThat(url).startsWith("https://mx.example:8000/mailhook/links/mh1_abc/attachments/2?expires=" + NOW.plusSeconds(3600).getEpochSecond());
        assertThat(linked.path("attachments").get(0).path("contentRef").asText()).isEqualTo("attachments/2");
        assertThat(linked.path("attachments").get(1).path("message").path("attachments").get(0).path("url").asText())
            .contains("/mh1_abc/attachments/3.2?");
        assertThat(linked.path("route").path("endpoint").asText()).isEqualTo("default");

        Map<String, String> query = query(url);
        Clock before = Clock.fixed(NOW.plusSeconds(3599), ZoneOffset.UTC);
        Clock after = Clock.fixed(NOW.plusSeconds(3600), ZoneOffset.UTC);
        assertThat(AttachmentLinks.check(key, before, "mh1_abc", "2", query.get("expires"), query.get("signature")))
            .isEqualTo(AttachmentLinks.Check.VALID);
        assertThat(AttachmentLinks.check(key, after, "mh1_abc", "2", query.get("expires"), query.get("signature")))
            .isEqualTo(AttachmentLinks.Check.EXPIRED);
        String later = String.valueOf(Long.parseLong(query.get("expires")) + 86_400);
        assertThat(AttachmentLinks.check(key, after, "mh1_abc", "2", later, query.get("signature"))).as("expiry pushed out")
            .isEqualTo(AttachmentLinks.Check.INVALID);
        assertThat(AttachmentLinks.check(key, before, "mh1_abc", "3", query.get("expires"), query.get("signature"))).as("another part")
            .isEqualTo(AttachmentLinks.Check.INVALID);
        assertThat(AttachmentLinks.check(key, before, "mh1_abd", "2", query.get("expires"), query.get("signature"))).as("another message")
            .isEqualTo(AttachmentLinks.Check.INVALID);
        assertThat(AttachmentLinks.check(key, before, "mh1_abc", "2", query.get("expires"), query.get("signature") + "A"))
            .isEqualTo(AttachmentLinks.Check.INVALID);
        assertThat(AttachmentLinks.check(key, before, "mh1_abc", "2", "-1", query.get("signature"))).isEqualTo(AttachmentLinks.Check.INVALID);
        assertThat(AttachmentLinks.check(key, before, "mh1_abc", "2", null, null)).isEqualTo(AttachmentLinks.Check.INVALID);
        byte[] other = new byte[32];
        other[0] = 1;
        assertThat(AttachmentLinks.check(new ServerKey(other, new SecureRandom()), before, "mh1_abc", "2", query.get("expires"),
            query.get("signature"))).as("another server's key").isEqualTo(AttachmentLinks.Check.INVALID);
    }

    @Test
    void aPayloadWithoutIdOrNotJsonIsLeftAsItIsAndTheLifetimeIsBounded() {
        byte[] noId = "{\"attachments\":[{\"partId\":\"2\"}]}".getBytes(StandardCharsets.UTF_8);
        assertThat(links.addTo(noId)).isEqualTo(noId);
        byte[] noAttachment = "{\"id\":\"mh1_abc\",\"attachments\":[],\"text\":\"no part here\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(links.addTo(noAttachment)).as("no part to link: the same bytes, not parsed and rewritten").isSameAs(noAttachment);
        byte[] notJson = "not json".getBytes(StandardCharsets.UTF_8);
        assertThat(links.addTo(notJson)).isEqualTo(notJson);
        assertThatThrownBy(() -> new AttachmentLinks(key, "https://x", Duration.ZERO, Clock.systemUTC())).hasMessageContaining("lifetime");
        assertThatThrownBy(() -> new AttachmentLinks(key, "https://x", Duration.ofDays(8), Clock.systemUTC())).hasMessageContaining("7 days");
    }
}
