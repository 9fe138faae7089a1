package org.mailhook.mailets.delivery;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.mail.MessagingException;

import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.mailet.Mail;
import org.mailhook.webhook.DeliveredRecord;
import org.mailhook.mailets.MailBytes;

/**
 * Webhook mail waiting for an endpoint whose breaker is open ({@link org.mailhook.webhook.EndpointBreaker}),
 * kept in a durable James mail repository rather than cycled through the queue: each waiting mail is
 * written once and read once, however long the outage, and the backlog is handed out oldest first.
 *
 * <p>The key of a parked mail is {@code p<acceptedAt, 13 digits>-<webhook-id>-<endpoint>}: the same
 * delivery always parks under the same key (parking it again replaces it), keys sort by acceptance, and
 * the in-memory index (endpoint → keys, oldest first) is rebuilt from the keys alone at start. The index
 * is complete because only this consumer parks into its repository; give each mailet and each server
 * its own (the default {@code mailhook://var/mail/webhook-parked/<queue>/} is on the server's disk).
 */
final class ParkedMail {
    /** Followed by the queue name and {@code /}. */
    private static final Pattern KEY = Pattern.compile("p(\\d{13})-(msg_.{27})-([A-Za-z0-9_.-]{1,64})");

    /** A parked delivery, as its key tells it. */
    record Entry(String key, long acceptedAtMillis, String webhookId, String endpoint) {
        /** The key of the queue item it was ({@link DeliveredRecord#keyOf}), shared by its copies. */
        String itemKey() {
            return DeliveredRecord.keyOf(acceptedAtMillis, webhookId);
        }
    }

    private final MailRepository repository;
    private final Map<String, NavigableSet<String>> byEndpoint = new ConcurrentHashMap<>();

    ParkedMail(MailRepository repository) {
        this.repository = repository;
    }

    static String keyOf(long acceptedAtMillis, String webhookId, String endpoint) {
        return String.format("p%013d-%s-%s", Math.max(0, acceptedAtMillis), webhookId, endpoint);
    }

    static Optional<Entry> parse(String key) {
        Matcher m = KEY.matcher(key);
        return m.matches() ? Optional.of(new Entry(key, Long.parseLong(m.group(1)), m.group(2), m.group(3))) : Optional.empty();
    }

    /** Whether the mail can be parked: a delivery whose key can be formed. */
    static boolean parkable(Mail mail) {
        return DeliveryAttributes.endpoint(mail).isPresent()
            && parse(keyOf(DeliveryAttributes.acceptedAt(mail), DeliveryAttributes.webhookId(mail), DeliveryAttributes.endpoint(mail).get())).isPresent();
    }

    /** Reads the keys of the repository (at start); returns the endpoints that have mail waiting. */
    Set<String> load() throws MessagingException {
        for (Iterator<MailKey> it = repository.list(); it.hasNext(); ) {
            parse(it.next().asString()).ifPresent(this::index);
        }
        return endpoints();
    }

    /** Stores a byte copy of the mail under its key (replacing an earlier one); durable once this returns. */
    Entry park(Mail mail) throws MessagingException {
        String endpoint = DeliveryAttributes.endpoint(mail).orElseThrow();
        Entry entry = parse(keyOf(DeliveryAttributes.acceptedAt(mail), DeliveryAttributes.webhookId(mail), endpoint))
            .orElseThrow(() -> new MessagingException("not a webhook delivery that can be parked: " + mail.getName()));
        Mail copy = MailBytes.copy(mail);
        try {
            copy.setName(entry.key());
            copy.setState(mail.getState());
            repository.store(copy);
        } finally {
            LifecycleUtil.dispose(copy);
        }
        index(entry);
        return entry;
    }

    /** The parked mail, or null when it is gone (the caller disposes of it). */
    Mail retrieve(Entry entry) throws MessagingException {
        Mail mail = repository.retrieve(new MailKey(entry.key()));
        if (mail == null) {
            forget(entry);
        }
        return mail;
    }

    void remove(Entry entry) throws MessagingException {
        repository.remove(new MailKey(entry.key()));
        forget(entry);
    }

    /** The endpoint's waiting mail, oldest first, at most {@code limit}. */
    List<Entry> oldest(String endpoint, int limit) {
        NavigableSet<String> keys = byEndpoint.get(endpoint);
        if (keys == null) {
            return List.of();
        }
        return keys.stream().limit(limit).map(key -> parse(key).orElseThrow()).toList();
    }

    int size(String endpoint) {
        NavigableSet<String> keys = byEndpoint.get(endpoint);
        return keys == null ? 0 : keys.size();
    }

    /** Endpoints with mail waiting. */
    Set<String> endpoints() {
        Set<String> endpoints = new TreeSet<>();
        byEndpoint.forEach((endpoint, keys) -> {
            if (!keys.isEmpty()) {
                endpoints.add(endpoint);
            }
        });
        return endpoints;
    }

    private void index(Entry entry) {
        byEndpoint.computeIfAbsent(entry.endpoint(), name -> new ConcurrentSkipListSet<>()).add(entry.key());
    }

    private void forget(Entry entry) {
        NavigableSet<String> keys = byEndpoint.get(entry.endpoint());
        if (keys != null) {
            keys.remove(entry.key());
        }
    }
}
