package org.mailhook.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.mailhook.json.Envelope;
import org.mailhook.json.MessageParser;
import org.mailhook.json.ParseOptions;
import org.mailhook.json.ParsedMessage;
import org.mailhook.testing.Corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

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

    @Test
    void linksAreSplicedAsATreeWouldPutThemWhateverTheShapeAround() throws Exception {
        String payload = """
            {"attachments":[1,null,{"filename":"no part id","message":{"attachments":[{"partId":"9"}]}},
              {"partId":"2","url":"old \\"link\\"","size":3},{"message":{"id":"inner","attachments":[{"partId":"3.1"}]},"partId":"3"}],
             "nested":{"attachments":[{"partId":"not a message's"}]},"id":"mh1_\\u00e9"}""";

        byte[] spliced = links.addTo(payload.getBytes(StandardCharsets.UTF_8));

        assertThat(JSON.readTree(spliced)).isEqualTo(linkedAsATree(payload));
        assertThat(new String(spliced, StandardCharsets.UTF_8)).as("the rest is left byte for byte")
            .startsWith("{\"attachments\":[1,null,{\"filename\":\"no part id\",\"message\":{\"attachments\":[{\"partId\":\"9\"}]}},");
        assertThat(JSON.readTree(spliced).path("attachments").get(3).path("url").asText()).as("a url there is replaced in place")
            .contains("/mh1_%C3%A9/attachments/2?");
        byte[] trailing = "{\"id\":\"a\",\"attachments\":[{\"partId\":\"2\"}]} {}".getBytes(StandardCharsets.UTF_8);
        assertThat(links.addTo(trailing)).as("not one JSON document").isEqualTo(trailing);
    }

    @Test
    void everyCorpusDocumentGetsTheLinksATreeWouldGiveIt() throws Exception {
        MessageParser parser = new MessageParser(ParseOptions.defaults());
        int linked = 0;
        for (Path file : Corpus.mimeMails()) {
            ParsedMessage parsed;
            try (InputStream in = Files.newInputStream(file)) {
                parsed = parser.parse(in, Envelope.none(), NOW, Map.of());
            }
            String payload = new String(parsed.json(), StandardCharsets.UTF_8);
            byte[] spliced = links.addTo(parsed.json());
            assertThat(JSON.readTree(spliced)).as(file.toString()).isEqualTo(linkedAsATree(payload));
            linked += spliced == parsed.json() ? 0 : 1;
        }
        assertThat(linked).as("corpus documents with attachments").isGreaterThan(100);
    }

    /** What the links look like when put with a JSON tree: the reference the byte splice is held to. */
    private JsonNode linkedAsATree(String payload) throws Exception {
        JsonNode document = JSON.readTree(payload);
        long expires = NOW.plus(Duration.ofHours(1)).getEpochSecond();
        putLinks(document, document.path("id").asText(), expires);
        return document;
    }

    private void putLinks(JsonNode message, String id, long expires) {
        for (JsonNode attachment : message.path("attachments")) {
            if (attachment instanceof ObjectNode object && object.path("partId").isTextual()) {
                object.put("url", links.url(id, object.path("partId").asText(), expires));
                putLinks(object.path("message"), id, expires);
            }
        }
    }
}
