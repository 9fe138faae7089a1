package org.mailhook.webhook;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Which deliveries an operator means: of one endpoint and/or in a time range {@code [from, to)}. The time
 * is what the list says for each status: when a dead letter died, when a delivery was acknowledged.
 */
public record DeliverySelection(Optional<String> endpoint, Optional<Instant> from, Optional<Instant> to) {
    public static final DeliverySelection ALL = new DeliverySelection(Optional.empty(), Optional.empty(), Optional.empty());

    /**
     * From query parameters (each may be null or blank).
     *
     * @throws IllegalArgumentException when from or to is not an ISO-8601 instant
     */
    public static DeliverySelection parse(String endpoint, String from, String to) {
        try {
            return new DeliverySelection(Optional.ofNullable(endpoint).map(String::trim).filter(s -> !s.isEmpty()),
                instant(from), instant(to));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("from/to must be ISO-8601 instants like 2026-11-29T06:00:00Z");
        }
    }

    /** Whether nothing narrows the selection. */
    public boolean isEverything() {
        return endpoint.isEmpty() && from.isEmpty() && to.isEmpty();
    }

    public boolean matchesEndpoint(Optional<String> deliveryEndpoint) {
        return endpoint.isEmpty() || endpoint.equals(deliveryEndpoint);
    }

    public boolean matches(Optional<String> deliveryEndpoint, Instant at) {
        return matchesEndpoint(deliveryEndpoint)
            && (from.isEmpty() || !at.isBefore(from.get()))
            && (to.isEmpty() || at.isBefore(to.get()));
    }

    private static Optional<Instant> instant(String text) {
        return text == null || text.isBlank() ? Optional.empty() : Optional.of(Instant.parse(text.trim()));
    }
}
