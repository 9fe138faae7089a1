package org.mailhook.server;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.MapConfiguration;
import org.apache.james.backends.rabbitmq.RabbitMQConfiguration;
import org.apache.james.backends.rabbitmq.RabbitMQHealthCheck;
import org.apache.james.backends.rabbitmq.ReactorRabbitMQChannelPool;
import org.apache.james.backends.rabbitmq.ReceiverProvider;
import org.apache.james.backends.rabbitmq.SimpleConnectionPool;
import org.apache.james.blob.api.BlobId;
import org.apache.james.blob.api.BlobStoreDAO;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.mailetcontainer.impl.JamesMailSpooler;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.rabbitmq.RabbitMQMailQueueFactory;
import org.apache.james.queue.rabbitmq.view.RabbitMQMailQueueConfiguration;
import org.apache.james.queue.rabbitmq.view.api.FakeMailQueueView;
import org.apache.james.queue.rabbitmq.view.api.MailQueueView;
import org.apache.james.utils.InitializationOperation;
import org.apache.james.utils.InitilizationOperationBuilder;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.ProvidesIntoSet;

import reactor.core.publisher.Mono;
import reactor.rabbitmq.RabbitFlux;
import reactor.rabbitmq.ReceiverOptions;
import reactor.rabbitmq.Sender;

/**
 * The rabbitmq flavour ({@code MAILHOOK_QUEUE=rabbitmq}): the spool and every Mailhook queue on James'
 * RabbitMQ mail queue, shared by all James nodes on one broker, and mail content in a file blob store
 * shared by the nodes of one machine. James 3.8.1 publishes the queue but not its Guice modules, so this
 * mirrors James' own {@code RabbitMQModule} and {@code RabbitMQMailQueueModule}, with the mail queue view
 * that needs no Cassandra ({@code cassandra.view.enabled=false}: no browsing, no removal by criteria).
 * The queue is James' own, unchanged, exactly as on the distributed James: it ignores enqueue delays, and
 * Mailhook's retries wait in RabbitMQ through the drop-in jar itself ({@code org.mailhook.mailets.delivery.DelayedRequeue}).
 */
public class RabbitMqQueueModule extends AbstractModule {
    private final Configuration configuration;
    private final Path blobRoot;

    /** {@code settings} uses James' rabbitmq.properties keys: uri, management.uri, management.user, management.password ... */
    public RabbitMqQueueModule(Map<String, String> settings, Path blobRoot) {
        this.configuration = new MapConfiguration(Map.copyOf(settings));
        this.blobRoot = blobRoot;
    }

    @Override
    protected void configure() {
        bind(SimpleConnectionPool.class).in(Scopes.SINGLETON);
        bind(RabbitMQMailQueueFactory.class).in(Scopes.SINGLETON);
        install(new MailQueueFactoryBindings(RabbitMQMailQueueFactory.class));
        bind(MailQueueView.Factory.class).to(FakeMailQueueView.Factory.class);
        Multibinder.newSetBinder(binder(), HealthCheck.class).addBinding().to(RabbitMQHealthCheck.class);
        Multibinder.newSetBinder(binder(), SimpleConnectionPool.ReconnectionHandler.class).addBinding().to(SpoolerReconnectionHandler.class);
    }

    @Provides
    @Singleton
    RabbitMQConfiguration rabbitMQConfiguration() {
        return RabbitMQConfiguration.from(configuration);
    }

    @Provides
    @Singleton
    RabbitMQMailQueueConfiguration mailQueueConfiguration() {
        return RabbitMQMailQueueConfiguration.from(configuration);
    }

    @Provides
    @Singleton
    SimpleConnectionPool.Configuration connectionPoolConfiguration() {
        return SimpleConnectionPool.Configuration.from(configuration);
    }

    @Provides
    @Singleton
    ReactorRabbitMQChannelPool channelPool(SimpleConnectionPool connectionPool, MetricFactory metricFactory) {
        ReactorRabbitMQChannelPool channelPool = new ReactorRabbitMQChannelPool(connectionPool.getResilientConnection(),
            ReactorRabbitMQChannelPool.Configuration.from(configuration), metricFactory);
        channelPool.start();
        return channelPool;
    }

    @Provides
    @Singleton
    Sender sender(ReactorRabbitMQChannelPool channelPool) {
        return channelPool.getSender();
    }

    @Provides
    @Singleton
    ReceiverProvider receiverProvider(SimpleConnectionPool connectionPool) {
        return () -> RabbitFlux.createReceiver(new ReceiverOptions().connectionMono(connectionPool.getResilientConnection()));
    }

    @Provides
    @Singleton
    BlobStoreDAO blobStoreDAO(BlobId.Factory blobIds) {
        return new FileBlobStoreDAO(blobRoot, blobIds);
    }

    @ProvidesIntoSet
    InitializationOperation startConnectionPool(SimpleConnectionPool pool, Set<SimpleConnectionPool.ReconnectionHandler> handlers) {
        return InitilizationOperationBuilder
            .forClass(SimpleConnectionPool.class)
            .init(() -> pool.init(handlers));
    }

    /** After the broker comes back, the spooler consumes again (James' own distributed server does the same). */
    static final class SpoolerReconnectionHandler implements SimpleConnectionPool.ReconnectionHandler {
        private final JamesMailSpooler spooler;

        @javax.inject.Inject
        SpoolerReconnectionHandler(JamesMailSpooler spooler) {
            this.spooler = spooler;
        }

        @Override
        public org.reactivestreams.Publisher<Void> handleReconnection(com.rabbitmq.client.Connection connection) {
            return Mono.fromRunnable(spooler::restart);
        }
    }
}
