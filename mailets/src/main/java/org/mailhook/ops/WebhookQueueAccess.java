package org.mailhook.ops;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.mailet.Mail;
import org.mailhook.mailets.delivery.DeliveredStore;
import org.mailhook.mailets.delivery.DeliveryState;

import com.google.common.base.Supplier;
import com.google.common.base.Suppliers;

/**
 * The webhook queue, dead-letter repository, delivered records and archive as James abstractions ({@link ManageableMailQueue},
 * {@link MailRepository}), so operations work on any James backend (ActiveMQ, RabbitMQ, Cassandra …).
 */
public final class WebhookQueueAccess {
    /** A queued delivery: its state and when the queue will hand it out next. */
    public record Queued(DeliveryState.View view, Optional<ZonedDateTime> nextDelivery) {
    }

    /** A delivery kept in a repository (a dead letter, or parked mail): its key and state. */
    public record Stored(String key, DeliveryState.View view, long lastUpdatedMillis) {
        /** Its last attempt (for a dead letter: when it died), else when it was stored. */
        public Instant lastAttemptOrStored() {
            return view.lastAttempt().map(a -> a.path("at").asText("")).filter(s -> !s.isEmpty())
                .map(Instant::parse).orElse(Instant.ofEpochMilli(lastUpdatedMillis));
        }
    }

    private final Supplier<ManageableMailQueue> queue;
    private final Supplier<MailRepository> deadLetters;
    private final Supplier<MailRepository> parked;
    private final Supplier<MailRepository> archive;
    private final Optional<Supplier<DeliveredStore>> delivered;

    /** Nothing is opened here: James creates routes and health checks before its repository store is configured. */
    public WebhookQueueAccess(MailQueueFactory<? extends ManageableMailQueue> queues, MailRepositoryStore repositories,
                              MailhookSettings settings) {
        MailQueueName name = MailQueueName.of(settings.webhookQueue());
        this.queue = Suppliers.memoize(() -> {
            Optional<? extends ManageableMailQueue> existing = queues.getQueue(name);
            return existing.isPresent() ? existing.get() : queues.createQueue(name);
        });
        this.deadLetters = repository(repositories, settings.deadLetterRepository());
        this.parked = repository(repositories, settings.parkedRepository());
        this.archive = repository(repositories, settings.archiveRepository());
        this.delivered = settings.deliveredRepository().map(url -> {
            Supplier<MailRepository> repository = repository(repositories, url);
            return Suppliers.memoize(() -> new DeliveredStore(repository.get()));
        });
    }

    /** A repository selected on first use. */
    public static Supplier<MailRepository> repository(MailRepositoryStore repositories, String url) {
        return Suppliers.memoize(() -> {
            try {
                return repositories.select(MailRepositoryUrl.from(url));
            } catch (Exception e) {
                throw new IllegalStateException("mail repository " + url + ": " + e.getMessage(), e);
            }
        });
    }

    public ManageableMailQueue queue() {
        return queue.get();
    }

    public MailRepository deadLetters() {
        return deadLetters.get();
    }

    /** The archive the Archive mailet writes (where replays find delivered mail). */
    public MailRepository archive() {
        return archive.get();
    }

    /** Acknowledged deliveries, or empty when they are not recorded ({@code webhook.deliveredRepository} empty). */
    public Optional<DeliveredStore> delivered() {
        return delivered.map(Supplier::get);
    }

    /**
     * The queued deliveries, or empty when the queue cannot be browsed: James' RabbitMQ mail queue
     * browses only through its Cassandra view, and without it ({@code cassandra.view.enabled=false},
     * the {@code rabbitmq} flavour) throws {@code NotImplementedException}, an UnsupportedOperationException.
     */
    public Optional<List<Queued>> queued() throws Exception {
        List<Queued> items = new ArrayList<>();
        ManageableMailQueue.MailQueueIterator it;
        try {
            it = queue().browse();
        } catch (UnsupportedOperationException e) {
            return Optional.empty();
        }
        try {
            while (it.hasNext()) {
                ManageableMailQueue.MailQueueItemView item = it.next();
                // Not disposed: some queues (James' memory queue) hand out the queued mail itself.
                items.add(new Queued(DeliveryState.view(item.getMail()), item.getNextDelivery()));
            }
        } finally {
            it.close();
        }
        return Optional.of(items);
    }

    public List<Stored> dead() throws Exception {
        return stored(deadLetters());
    }

    /** Mail waiting for an endpoint whose breaker is open; the last update is when it was parked. */
    public List<Stored> parked() throws Exception {
        return stored(parked.get());
    }

    private static List<Stored> stored(MailRepository repository) throws Exception {
        List<Stored> items = new ArrayList<>();
        for (Iterator<MailKey> it = repository.list(); it.hasNext(); ) {
            MailKey key = it.next();
            Mail mail = repository.retrieve(key);
            if (mail == null) {
                continue;
            }
            try {
                items.add(new Stored(key.asString(), DeliveryState.view(mail),
                    mail.getLastUpdated() == null ? 0 : mail.getLastUpdated().getTime()));
            } finally {
                LifecycleUtil.dispose(mail);
            }
        }
        return items;
    }
}
