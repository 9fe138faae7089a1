package org.mailhook.mailets.repository;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.DsnParameters;
import org.apache.mailet.Mail;
import org.apache.mailet.PerRecipientHeaders;
import org.mailhook.mailets.MailBytes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A mail's envelope and attributes as the JSON head of its record, and back. Attribute values are written
 * as James' own JSON for them ({@code AttributeValue.toJson}, what its JMS queue carries), so every value
 * James can queue is kept; a value it cannot write as JSON is dropped, as the queue drops it.
 */
final class MailRecords {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MailRecords() {
    }

    static byte[] head(Mail mail) throws MessagingException {
        ObjectNode head = JSON.createObjectNode();
        head.put("name", mail.getName());
        head.put("state", mail.getState());
        head.put("errorMessage", mail.getErrorMessage());
        mail.getMaybeSender().asOptional().ifPresentOrElse(sender -> head.put("sender", sender.asString()), () -> head.putNull("sender"));
        ArrayNode recipients = head.putArray("recipients");
        mail.getRecipients().forEach(recipient -> recipients.add(recipient.asString()));
        head.put("remoteHost", mail.getRemoteHost());
        head.put("remoteAddr", mail.getRemoteAddr());
        if (mail.getLastUpdated() != null) {
            head.put("lastUpdated", mail.getLastUpdated().getTime());
        }
        head.set("attributes", attributesJson(mail.attributes().toList()));
        ObjectNode perRecipient = head.putObject("perRecipientHeaders");
        PerRecipientHeaders headers = mail.getPerRecipientSpecificHeaders();
        for (MailAddress recipient : headers.getRecipientsWithSpecificHeaders()) {
            ArrayNode lines = perRecipient.putArray(recipient.asString());
            headers.getHeadersForRecipient(recipient).forEach(header -> lines.add(header.asString()));
        }
        Optional<DsnParameters> dsn = mail.dsnParameters();
        if (dsn.isPresent()) {
            head.set("dsn", attributesJson(dsn.get().toAttributes().asAttributes()));
        }
        try {
            return JSON.writeValueAsBytes(head);
        } catch (IOException e) {
            throw new MessagingException("cannot write the record of mail " + mail.getName(), e);
        }
    }

    static Mail mail(byte[] headBytes, byte[] message) throws MessagingException {
        JsonNode head;
        try {
            head = JSON.readTree(headBytes);
        } catch (IOException e) {
            throw new MessagingException("damaged mail record: " + e.getMessage(), e);
        }
        MailImpl.Builder builder = MailImpl.builder()
            .name(head.path("name").asText())
            .state(text(head, "state"))
            .errorMessage(text(head, "errorMessage"))
            .sender(head.path("sender").isTextual() ? MaybeSender.getMailSender(head.path("sender").asText()) : MaybeSender.nullSender())
            .remoteHost(text(head, "remoteHost"))
            .remoteAddr(text(head, "remoteAddr"));
        List<MailAddress> recipients = new ArrayList<>();
        for (JsonNode recipient : head.path("recipients")) {
            recipients.add(address(recipient.asText()));
        }
        builder.addRecipients(recipients);
        if (head.has("lastUpdated")) {
            builder.lastUpdated(new Date(head.path("lastUpdated").asLong()));
        }
        builder.addAttributes(attributesOf(head.path("attributes")).values());
        head.path("perRecipientHeaders").fields().forEachRemaining(entry -> {
            MailAddress recipient = address(entry.getKey());
            entry.getValue().forEach(line -> builder.addHeaderForRecipient(PerRecipientHeaders.Header.fromString(line.asText()), recipient));
        });
        MailImpl mail = builder.build();
        if (head.has("dsn")) {
            DsnParameters.fromAttributeValue(DsnParameters.DsnAttributeValues.extract(attributesOf(head.path("dsn"))))
                .ifPresent(mail::setDsnParameters);
        }
        if (message.length > 0) {
            MailBytes.replace(mail, message);
        }
        return mail;
    }

    private static ObjectNode attributesJson(Collection<Attribute> attributes) {
        ObjectNode node = JSON.createObjectNode();
        for (Attribute attribute : attributes) {
            // Optional<?>, never JsonNode: James' Jackson is not the one this jar bundles (and relocates).
            Optional<?> json = attribute.getValue().toJson();
            json.ifPresent(value -> node.put(attribute.getName().asString(), String.valueOf(value)));
        }
        return node;
    }

    private static Map<AttributeName, Attribute> attributesOf(JsonNode node) throws MessagingException {
        Map<AttributeName, Attribute> attributes = new HashMap<>();
        var fields = node.fields();
        while (fields.hasNext()) {
            var field = fields.next();
            try {
                AttributeName name = AttributeName.of(field.getKey());
                attributes.put(name, new Attribute(name, AttributeValue.fromJsonString(field.getValue().asText())));
            } catch (IOException | RuntimeException e) {
                throw new MessagingException("damaged attribute " + field.getKey() + " in a mail record: " + e.getMessage(), e);
            }
        }
        return attributes;
    }

    private static String text(JsonNode head, String field) {
        JsonNode value = head.path(field);
        return value.isTextual() ? value.asText() : null;
    }

    private static MailAddress address(String address) {
        try {
            return new MailAddress(address);
        } catch (javax.mail.internet.AddressException e) {
            throw new IllegalStateException("damaged recipient in a mail record: " + address, e);
        }
    }
}
