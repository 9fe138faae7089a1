package org.mailhook.webhook;

import java.nio.charset.StandardCharsets;

import org.mailhook.json.ThinPayload;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The body POSTed to an endpoint: the message JSON of the mail plus a {@code route} object saying which
 * endpoint this delivery is for and which recipients (with sub-address tags) it carries. The route is
 * fixed when the mail is routed and travels with the queued delivery, so every retry and replay sends
 * the same bytes for the same document, except the attachments' signed links ({@link AttachmentLinks},
 * when on), which get a fresh expiry at each attempt.
 */
public final class WebhookPayload {
    private static final ObjectMapper JSON = new ObjectMapper();

    private WebhookPayload() {
    }

    /** The {@code event} of a payload sent because a reparse made a new revision of the document. */
    public static final String UPDATED = "message.updated";

    /** The document of a new revision as a {@code message.updated} event: {@code "event"} first, then the document as it is. */
    public static String asUpdate(String documentJson) {
        try {
            ObjectNode event = JSON.createObjectNode().put("event", UPDATED);
            event.setAll((ObjectNode) JSON.readTree(documentJson));
            return event.toString();
        } catch (java.io.IOException | ClassCastException e) {
            throw new IllegalArgumentException("a document is a JSON object: " + e.getMessage(), e);
        }
    }

    /** The {@code route} object of a routed delivery, as JSON text. */
    public static String routeJson(Routes.Delivery delivery) {
        ObjectNode route = JSON.createObjectNode();
        route.put("endpoint", delivery.endpoint().name());
        ArrayNode recipients = route.putArray("recipients");
        for (Routes.RoutedRecipient recipient : delivery.recipients()) {
            ObjectNode node = recipients.addObject().put("address", recipient.address());
            recipient.tag().filter(tag -> !tag.isEmpty()).ifPresentOrElse(tag -> node.put("tag", tag), () -> node.putNull("tag"));
        }
        return route.toString();
    }

    /**
     * The document with {@code routeJson} added as its last member; above {@code thinAbove} bytes, the
     * document in its thin form first (attachment content replaced by references the pull API serves,
     * {@code "thin": true}). The route is spliced in as text: the document is not parsed again.
     */
    public static byte[] compose(String documentJson, String routeJson, long thinAbove) {
        byte[] document = documentJson.getBytes(StandardCharsets.UTF_8);
        if (document.length > thinAbove) {
            document = ThinPayload.thin(document);
        }
        String json = new String(document, StandardCharsets.UTF_8).stripTrailing();
        if (json.endsWith("}") && json.length() > 2) {
            json = json.substring(0, json.length() - 1) + ",\"route\":" + routeJson + "}";
        }
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
