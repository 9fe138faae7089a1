package org.mailhook.mailets.delivery;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import org.mailhook.webhook.Endpoint;
import org.mailhook.webhook.InstantAddress;
import org.mailhook.webhook.Routes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured routes plus the instant addresses of an {@link InstantAddressStore}, re-read at most
 * every {@code refresh} so an address minted through WebAdmin (on this server or another sharing the
 * repository) is routed within seconds. A failed read keeps the last good table.
 */
final class InstantRoutes implements Supplier<Routes> {
    private static final Logger LOGGER = LoggerFactory.getLogger(InstantRoutes.class);

    private final Supplier<Routes> configured;
    private final InstantAddressStore store;
    private final Clock clock;
    private final Duration refresh;
    private Map<String, Endpoint> addresses = Map.of();
    private long readAt = Long.MIN_VALUE;
    private Routes base;
    private Routes merged;

    InstantRoutes(Supplier<Routes> configured, InstantAddressStore store, Clock clock, Duration refresh) {
        this.configured = configured;
        this.store = store;
        this.clock = clock;
        this.refresh = refresh;
    }

    /** Reads the addresses again at the next {@link #get()}: one was just found minted that the table lacks. */
    private synchronized void readAgain() {
        readAt = Long.MIN_VALUE;
    }

    /**
     * The table to route {@code recipients} with. A recipient of the minted form that the table lacks is
     * looked up in the store (one read by key): minted since the last read, it makes the table re-read
     * at once, so an address taken at RCPT TO is routed to its own endpoint even within the refresh
     * interval, catch-all route or not.
     */
    synchronized Routes forRecipients(List<String> recipients) {
        Routes table = get();
        for (String recipient : recipients) {
            if (InstantAddress.localPartOf(recipient).isEmpty() || addresses.containsKey(recipient.toLowerCase(Locale.ROOT))) {
                continue;
            }
            try {
                if (store.contains(recipient)) {
                    readAgain();
                    return get();
                }
            } catch (Exception e) {
                LOGGER.warn("instant address {} could not be looked up; routed by the last table read", recipient, e);
            }
        }
        return table;
    }

    @Override
    public synchronized Routes get() {
        Routes current = configured.get();
        long now = clock.millis();
        boolean stale = readAt == Long.MIN_VALUE || now - readAt >= refresh.toMillis();
        if (stale) {
            try {
                // Addresses without a secret of their own sign with the first configured endpoint's secrets.
                Map<String, Endpoint> read = store.endpoints(current.endpoints().stream().findFirst());
                if (!read.equals(addresses) || merged == null) {
                    addresses = read;
                    merged = null;
                }
            } catch (Exception e) {
                LOGGER.warn("instant addresses could not be read; keeping the last {} known", addresses.size(), e);
            }
            readAt = now;
        }
        if (merged == null || base != current) {
            base = current;
            merged = current.withAddresses(addresses);
        }
        return merged;
    }
}
