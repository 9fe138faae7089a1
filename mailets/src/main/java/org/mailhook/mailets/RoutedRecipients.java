package org.mailhook.mailets;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import javax.inject.Singleton;

/**
 * The recipients this James routes, as the WebhookDelivery mailets know them (configured routes and
 * minted instant addresses), for the SMTP recipient check ({@code org.mailhook.smtp.RejectUnroutedRecipients})
 * that answers before the mail is taken. A Guice singleton: mailets and SMTP hooks are made by child
 * injectors of James' loader, and a just-in-time singleton without dependencies lives in the root one, so
 * both sides share this instance.
 */
@Singleton
public class RoutedRecipients {
    private final Map<String, Predicate<String>> tables = new ConcurrentHashMap<>();

    /** A WebhookDelivery mailet's coverage, under its mailet name; a second publication replaces the first. */
    public void publish(String owner, Predicate<String> covers) {
        tables.put(owner, covers);
    }

    public void withdraw(String owner) {
        tables.remove(owner);
    }

    /** Whether any published table covers the address; empty while none is published (nothing to check against). */
    public Optional<Boolean> covers(String address) {
        if (tables.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(tables.values().stream().anyMatch(table -> table.test(address)));
    }
}
