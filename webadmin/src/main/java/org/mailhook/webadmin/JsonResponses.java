package org.mailhook.webadmin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import spark.Response;

/** Responses of the Mailhook routes: JSON text (never Jackson objects, which WebAdmin's own Jackson would not know). */
final class JsonResponses {
    static final ObjectMapper JSON = new ObjectMapper();

    private JsonResponses() {
    }

    static String ok(Response response, ObjectNode body) {
        return status(response, 200, body);
    }

    static String status(Response response, int status, ObjectNode body) {
        response.status(status);
        response.type("application/json");
        return body.toString();
    }

    static String error(Response response, int status, String message) {
        return status(response, status, JSON.createObjectNode().put("statusCode", status).put("message", message));
    }

    /** A whole-number query parameter within bounds, or the default. */
    static int intParam(String value, int defaultValue, int min, int max, String name) {
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed < min || parsed > max) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number");
        }
    }
}
