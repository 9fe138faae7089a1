package org.mailhook.server;

import javax.annotation.PreDestroy;
import javax.inject.Inject;
import javax.jms.ConnectionFactory;

import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.ActiveMQPrefetchPolicy;
import org.apache.activemq.broker.BrokerPlugin;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.broker.region.Destination;
import org.apache.activemq.broker.jmx.ManagementContext;
import org.apache.activemq.command.ActiveMQQueue;
import org.apache.activemq.plugin.StatisticsBrokerPlugin;
import org.apache.activemq.store.PersistenceAdapter;
import org.apache.activemq.store.kahadb.KahaDBPersistenceAdapter;
import org.apache.james.filesystem.api.FileSystem;

/**
 * James' embedded ActiveMQ broker without a network listener. James 3.8.1's {@code EmbeddedActiveMQ}
 * also opens an OpenWire connector on {@code tcp://localhost:0}, and the ActiveMQ it ships (5.17.3) has
 * CVE-2023-46604: remote code execution for anyone who can connect to that port (fixed in 5.17.6, which
 * no javax-based James release bundles). The mail queues only ever connect through {@code vm://james},
 * so this broker has no transport connector at all, nor advisory topics (nothing subscribes to them;
 * James' queue creates a consumer for every dequeue, and each would publish advisories). Everything else — storage paths, prefetch 0,
 * statistics plugin — is as James sets it, so existing queues are read unchanged; blob transfer writes
 * the same files, forced to disk ({@link DurableBlobTransferPolicy}).
 */
public final class VmOnlyBroker {
    private static final String KAHADB_STORE_LOCATION = "file://var/store/activemq/brokers/KahaDB";
    private static final String BLOB_TRANSFER_LOCATION = "file://var/store/activemq/blob-transfer";
    private static final String BROKERS_LOCATION = "file://var/store/activemq/brokers";
    static final String DEAD_LETTER_QUEUE = "ActiveMQ.DLQ";

    private final BrokerService broker;
    private final ActiveMQConnectionFactory connectionFactory;

    @Inject
    VmOnlyBroker(FileSystem fileSystem, PersistenceAdapter persistenceAdapter) throws Exception {
        persistenceAdapter.setDirectory(fileSystem.getFile(KAHADB_STORE_LOCATION));
        if (persistenceAdapter instanceof KahaDBPersistenceAdapter) {
            // Journal files get their blocks when created, not as they fill: a full disk then fails the
            // creation of a journal file (every 32 MB), not an append, after which KahaDB's writer stops for good.
            ((KahaDBPersistenceAdapter) persistenceAdapter).setPreallocationStrategy("zeros");
        }
        broker = new BrokerService();
        broker.setBrokerName("james");
        broker.setBrokerId("broker");
        broker.setUseJmx(false);
        broker.setPersistent(true);
        broker.setDataDirectoryFile(fileSystem.getFile(BROKERS_LOCATION));
        broker.setUseShutdownHook(false);
        broker.setSchedulerSupport(false);
        ManagementContext management = new ManagementContext();
        management.setCreateConnector(false);
        broker.setManagementContext(management);
        broker.setPersistenceAdapter(persistenceAdapter);
        broker.setPlugins(new BrokerPlugin[] {new StatisticsBrokerPlugin()});
        broker.setEnableStatistics(true);
        // James' queue makes a consumer per dequeue: each would publish advisory messages nobody reads.
        broker.setAdvisorySupport(false);
        broker.start();

        DurableBlobTransferPolicy blobs = new DurableBlobTransferPolicy();
        blobs.setDefaultUploadUrl(BLOB_TRANSFER_LOCATION);
        blobs.setFileSystem(fileSystem);
        ActiveMQPrefetchPolicy prefetch = new ActiveMQPrefetchPolicy();
        prefetch.setQueuePrefetch(0);
        prefetch.setTopicPrefetch(0);
        connectionFactory = new ActiveMQConnectionFactory("vm://james?create=false");
        connectionFactory.setTrustAllPackages(false);
        connectionFactory.setBlobTransferPolicy(blobs);
        connectionFactory.setPrefetchPolicy(prefetch);
    }

    public ConnectionFactory connectionFactory() {
        return connectionFactory;
    }

    /** Messages in {@code ActiveMQ.DLQ}, where the broker puts entries whose redeliveries ran out. */
    long deadLetterCount() throws Exception {
        Destination dlq = broker.getDestination(new ActiveMQQueue(DEAD_LETTER_QUEUE));
        return dlq == null ? 0 : dlq.getDestinationStatistics().getMessages().getCount();
    }

    /**
     * Moves every entry of {@code ActiveMQ.DLQ} back to the queue it came from (James' spool, usually),
     * in one transaction per entry: it is sent there anew (a fresh redelivery count) and only then
     * removed from the dead-letter queue, so a crash in between duplicates an entry, never loses one.
     *
     * @return how many entries were moved
     */
    int redeliverDeadLetters() throws Exception {
        javax.jms.Connection connection = connectionFactory.createConnection();
        try {
            connection.start();
            javax.jms.Session session = connection.createSession(true, javax.jms.Session.SESSION_TRANSACTED);
            javax.jms.MessageConsumer consumer = session.createConsumer(session.createQueue(DEAD_LETTER_QUEUE));
            javax.jms.MessageProducer producer = session.createProducer(null);
            int moved = 0;
            for (javax.jms.Message entry = consumer.receive(1000); entry != null; entry = consumer.receive(1000)) {
                javax.jms.Destination origin = entry instanceof org.apache.activemq.command.ActiveMQMessage message
                    ? message.getOriginalDestination() : null;
                if (origin == null) {
                    // Not an entry the broker dead-lettered: left where it is.
                    session.rollback();
                    break;
                }
                producer.send(origin, entry);
                session.commit();
                moved++;
            }
            return moved;
        } finally {
            connection.close();
        }
    }

    @PreDestroy
    public void stop() throws Exception {
        broker.stop();
    }
}
