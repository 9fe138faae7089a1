package org.mailhook.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.queue.memory.MemoryMailQueueFactory;
import org.apache.james.server.core.MailImpl;
import org.apache.james.task.Task;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.archive.ArchiveKeys;
import org.mailhook.json.Envelope;
import org.mailhook.json.MessageParser;
import org.mailhook.json.ParseOptions;
import org.mailhook.mailets.ArchivedRevisions;
import org.mailhook.mailets.InMemoryMailRepositoryStore;
import org.mailhook.mailets.MailAttributes;
import org.mailhook.mailets.MailBytes;
import org.mailhook.mailets.delivery.DeliveredStore;
import org.mailhook.reparse.BulkCheckpoint;
import org.mailhook.webhook.DeliveredRecord;
import org.mailhook.webhook.WebhookIds;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A bulk reparse that crashes half-way (the archive refuses a revision after that mail's event was queued) and is
 * resumed from its checkpoint: every mail counted once, every event queued under one delivered-record key per mail.
 */
class ReparseTaskTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAILS = 6;

    private final InMemoryMailRepositoryStore repositories = new InMemoryMailRepositoryStore();
    private final MailhookSettings settings = MailhookSettings.defaults();
    private final MemoryMailQueueFactory queues = new MemoryMailQueueFactory(new RawMailQueueItemDecoratorFactory());
    private final AtomicInteger storesUntilCrash = new AtomicInteger(Integer.MAX_VALUE);

    @Test
    void aCrashInTheMiddleNeitherSkipsNorSendsTwice(@TempDir Path dir) throws Exception {
        WebhookQueueAccess access = new WebhookQueueAccess(queues, crashing(repositories), settings);
        List<String> keys = archiveOlderDocuments(access.archive());
        // the parser alone: the verdict steps other tests' mailets registered in this JVM stay out
        ArchiveReparse reparse = new ArchiveReparse(access, Clock.systemUTC(),
            () -> Optional.of(new MessageParser(ParseOptions.defaults())), org.mailhook.reparse.Reparser.Steps::none);

        // the third mail's event is queued, then storing its revision fails: the process "dies" there
        storesUntilCrash.set(2);
        BulkCheckpoint checkpoint = BulkCheckpoint.create(dir, "r1", new BulkCheckpoint.Selection(Optional.empty(), Optional.empty(), false));
        Task.Result first = new ReparseTask(reparse, access::archive, checkpoint, Clock.systemUTC()).run();
        assertThat(first).isEqualTo(Task.Result.PARTIAL);
        assertThat(checkpoint.lastKey()).contains(keys.get(1));

        storesUntilCrash.set(Integer.MAX_VALUE);
        BulkCheckpoint resumed = BulkCheckpoint.unfinished(dir).get(0);
        Task.Result second = new ReparseTask(reparse, access::archive, resumed, Clock.systemUTC()).run();

        assertThat(second).isEqualTo(Task.Result.COMPLETED);
        assertThat(resumed.state()).isEqualTo(BulkCheckpoint.DONE);
        assertThat(resumed.counts()).isEqualTo(new BulkCheckpoint.Counts(MAILS, MAILS, 0, 0, MAILS));
        for (String key : keys) {
            Mail archived = access.archive().retrieve(new org.apache.james.mailrepository.api.MailKey(key));
            assertThat(ArchivedRevisions.latest(archived)).as(key).isEqualTo(2);
        }
        // the third mail's event was queued twice, under one webhook-id and acceptance time: one delivered-record key,
        // so the consumer sends one and drops the other as "acknowledged before"
        List<String> recordKeys = new ArrayList<>();
        ManageableMailQueue queue = access.queue();
        queue.browse().forEachRemaining(item -> recordKeys.add(DeliveredRecord.keyOf(
            MailAttributes.number(item.getMail(), org.mailhook.mailets.delivery.DeliveryAttributes.ACCEPTED_AT).orElseThrow(),
            MailAttributes.string(item.getMail(), org.mailhook.mailets.delivery.DeliveryAttributes.WEBHOOK_ID).orElseThrow())));
        assertThat(recordKeys).hasSize(MAILS + 1);
        assertThat(recordKeys.stream().distinct()).hasSize(MAILS);

        // and run again over the same mails: nothing changed, nothing sent
        BulkCheckpoint again = BulkCheckpoint.create(dir, "r2", new BulkCheckpoint.Selection(Optional.empty(), Optional.empty(), false));
        assertThat(new ReparseTask(reparse, access::archive, again, Clock.systemUTC()).run()).isEqualTo(Task.Result.COMPLETED);
        assertThat(again.counts()).isEqualTo(new BulkCheckpoint.Counts(MAILS, 0, MAILS, 0, 0));
        assertThat(queue.getSize()).isEqualTo(MAILS + 1);
    }

    /** Archives MAILS mails whose stored document has another subject than the mail, each delivered once to "orders". */
    private List<String> archiveOlderDocuments(MailRepository archive) throws Exception {
        MessageParser parser = new MessageParser(ParseOptions.defaults());
        ArchiveKeys archiveKeys = new ArchiveKeys(Clock.systemUTC(), new SecureRandom());
        DeliveredStore delivered = new DeliveredStore(repositories.select(
            org.apache.james.mailrepository.api.MailRepositoryUrl.from(settings.deliveredRepository().orElseThrow())));
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < MAILS; i++) {
            byte[] raw = ("From: a@example.com\r\nTo: orders@inbound.example\r\nSubject: order " + i + "\r\nMessage-ID: <o" + i
                + "@example.com>\r\n\r\nbody " + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
            var parsed = parser.parse(new ByteArrayInputStream(raw),
                new Envelope("a@example.com", List.of("orders@inbound.example"), "192.0.2.1", null, null), Instant.now(), Map.of());
            ObjectNode older = (ObjectNode) JSON.readTree(parsed.json());
            older.put("subject", "ORDER " + i);
            String key = archiveKeys.next(Optional.of(parsed.id()));
            Mail mail = MailImpl.builder().name(key).sender("a@example.com").addRecipient("orders@inbound.example").build();
            MailBytes.replace(mail, raw);
            MailAttributes.set(mail, MailAttributes.JSON, older.toString());
            MailAttributes.set(mail, MailAttributes.ID, parsed.id());
            archive.store(mail);
            delivered.write(new DeliveredRecord(WebhookIds.forDelivery(parsed.id(), "orders"), Optional.of(parsed.id()), "orders",
                List.of("orders@inbound.example"), Optional.of("order " + i), Instant.now(), Instant.now(), 1, 204, "[]",
                "{\"endpoint\":\"orders\",\"recipients\":[]}", Optional.of(key)), Optional.empty());
            keys.add(key);
        }
        return keys;
    }

    /** The repositories, with an archive whose store fails once {@link #storesUntilCrash} stores were let through. */
    private MailRepositoryStore crashing(InMemoryMailRepositoryStore store) {
        org.apache.james.mailrepository.api.MailRepositoryUrl archiveUrl =
            org.apache.james.mailrepository.api.MailRepositoryUrl.from(settings.archiveRepository());
        return (MailRepositoryStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {MailRepositoryStore.class},
            (proxy, method, args) -> {
                Object result = invoke(store, method, args);
                if (method.getName().equals("select") && archiveUrl.equals(args[0])) {
                    MailRepository archive = (MailRepository) result;
                    return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {MailRepository.class}, (p, m, a) -> {
                        if (m.getName().equals("store") && storesUntilCrash.getAndDecrement() <= 0) {
                            throw new IllegalStateException("simulated crash");
                        }
                        return invoke(archive, m, a);
                    });
                }
                return result;
            });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
