package org.mailhook.json;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The thin form of a {@code mailhook.message.v1} document, for webhooks whose payload would be too big:
 * every attachment's base64 {@code content} (attached messages included) is replaced by its
 * {@code contentRef}, and the document says {@code "thin": true}. Everything else stays.
 */
public final class ThinPayload {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ThinPayload() {
    }

    /**
     * @throws IllegalArgumentException when the bytes are not a JSON object
     */
    public static byte[] thin(byte[] json) {
        JsonNode document;
        try {
            document = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a JSON document: " + e.getMessage(), e);
        }
        if (!(document instanceof ObjectNode object)) {
            throw new IllegalArgumentException("not a JSON object");
        }
        stripContent(object);
        object.put("thin", true);
        try {
            return MAPPER.writeValueAsBytes(object);
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to memory failed", e);
        }
    }

    private static void stripContent(JsonNode message) {
        JsonNode attachments = message.get("attachments");
        if (attachments == null) {
            return;
        }
        for (JsonNode attachment : attachments) {
            if (attachment instanceof ObjectNode object) {
                if (object.remove("content") != null) {
                    object.put("contentRef", "attachments/" + object.path("partId").asText());
                }
                if (object.has("message")) {
                    stripContent(object.get("message"));
                }
            }
        }
    }
}
