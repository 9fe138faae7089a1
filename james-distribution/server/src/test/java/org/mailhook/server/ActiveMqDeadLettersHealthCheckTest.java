package org.mailhook.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.file.Path;

import javax.jms.Connection;
import javax.jms.MessageConsumer;
import javax.jms.MessageProducer;
import javax.jms.Queue;
import javax.jms.Session;

import org.apache.activemq.store.kahadb.KahaDBPersistenceAdapter;
import org.apache.james.core.healthcheck.Result;
import org.apache.james.filesystem.api.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import reactor.core.publisher.Mono;

/**
 * The real broker the server runs (VmOnlyBroker, KahaDB on disk): an entry that a consumer rolls back
 * until the broker's redeliveries run out lands in ActiveMQ.DLQ, and the health check turns degraded.
 */
class ActiveMqDeadLettersHealthCheckTest {

    @Test
    void entriesTheBrokerGaveUpOnMakeTheCheckDegradedUntilMovedBackToTheirQueue(@TempDir Path data) throws Exception {
        VmOnlyBroker broker = new VmOnlyBroker(new DirectoryFileSystem(data), new KahaDBPersistenceAdapter());
        try {
            ActiveMqDeadLettersHealthCheck check = new ActiveMqDeadLettersHealthCheck(broker);
            assertThat(result(check).isHealthy()).isTrue();

            Connection connection = broker.connectionFactory().createConnection();
            try {
                connection.start();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                Queue spool = session.createQueue("spool");
                MessageProducer producer = session.createProducer(spool);
                producer.send(session.createTextMessage("a mail the processors keep failing on"));
                session.commit();
                MessageConsumer consumer = session.createConsumer(spool);
                // the default redelivery policy: one delivery and six redeliveries, then ActiveMQ.DLQ
                int deliveries = 0;
                while (consumer.receive(2000) != null) {
                    deliveries++;
                    session.rollback();
                }
                assertThat(deliveries).isEqualTo(7);
            } finally {
                connection.close();
            }

            Result result = result(check);
            assertThat(result.isDegraded()).isTrue();
            assertThat(result.getCause()).hasValueSatisfying(cause -> assertThat(cause).startsWith("1 spool entries in ActiveMQ.DLQ"));

            // The admin route's move: back to the spool with a fresh redelivery count, and the check is healthy again.
            assertThat(broker.redeliverDeadLetters()).isEqualTo(1);
            assertThat(broker.deadLetterCount()).isZero();
            assertThat(result(check).isHealthy()).isTrue();
            Connection again = broker.connectionFactory().createConnection();
            try {
                again.start();
                Session session = again.createSession(true, Session.SESSION_TRANSACTED);
                javax.jms.Message back = session.createConsumer(session.createQueue("spool")).receive(5000);
                assertThat(back).isInstanceOf(javax.jms.TextMessage.class);
                assertThat(((javax.jms.TextMessage) back).getText()).isEqualTo("a mail the processors keep failing on");
                session.commit();
            } finally {
                again.close();
            }
            assertThat(broker.redeliverDeadLetters()).as("nothing left").isZero();
        } finally {
            broker.stop();
        }
    }

    private static Result result(ActiveMqDeadLettersHealthCheck check) {
        return Mono.from(check.check()).block();
    }

    /** James' file system over one directory: "file://var/x" is DIR/var/x. */
    private record DirectoryFileSystem(Path root) implements FileSystem {
        @Override
        public InputStream getResource(String url) throws java.io.IOException {
            return new FileInputStream(getFile(url));
        }

        @Override
        public File getFile(String fileUrl) {
            return root.resolve(fileUrl.replaceFirst("^file://", "")).toFile();
        }

        @Override
        public File getBasedir() {
            return root.toFile();
        }
    }
}
