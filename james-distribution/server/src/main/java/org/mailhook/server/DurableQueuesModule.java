package org.mailhook.server;

import java.io.FileNotFoundException;

import javax.jms.ConnectionFactory;

import org.apache.activemq.store.PersistenceAdapter;
import org.apache.activemq.store.kahadb.KahaDBPersistenceAdapter;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.activemq.ActiveMQConfiguration;
import org.apache.james.queue.activemq.ActiveMQHealthCheck;
import org.apache.james.queue.activemq.ActiveMQMailQueueFactory;
import org.apache.james.queue.activemq.metric.ActiveMQMetricCollector;
import org.apache.james.queue.activemq.metric.ActiveMQMetricCollectorImpl;
import org.apache.james.queue.api.MailQueueItemDecoratorFactory;
import org.apache.james.utils.InitializationOperation;
import org.apache.james.utils.InitilizationOperationBuilder;
import org.apache.james.utils.PropertiesProvider;
import org.apache.james.webadmin.Routes;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.ProvidesIntoSet;

/**
 * Replaces the memory app's in-memory mail queues with James' embedded ActiveMQ (KahaDB under
 * {@code var/store/activemq} of the working directory), so the spool and every Mailhook queue
 * survive a restart or a crash. James 3.8.1 ships the queue but not its Guice module for the memory
 * app, hence this module; it mirrors James' own {@code ActiveMQQueueModule}, with {@link VmOnlyBroker}
 * instead of James' {@code EmbeddedActiveMQ}, which also listens on a TCP port.
 */
public class DurableQueuesModule extends AbstractModule {

    @Override
    protected void configure() {
        bind(PersistenceAdapter.class).to(KahaDBPersistenceAdapter.class);
        bind(KahaDBPersistenceAdapter.class).in(Scopes.SINGLETON);
        bind(VmOnlyBroker.class).in(Scopes.SINGLETON);
        install(new MailQueueFactoryBindings(ActiveMQMailQueueFactory.class));
        bind(ActiveMQMetricCollector.class).to(ActiveMQMetricCollectorImpl.class);
        bind(ActiveMQMetricCollectorImpl.class).in(Scopes.SINGLETON);
        Multibinder<HealthCheck> healthChecks = Multibinder.newSetBinder(binder(), HealthCheck.class);
        healthChecks.addBinding().to(ActiveMQHealthCheck.class);
        healthChecks.addBinding().to(ActiveMqDeadLettersHealthCheck.class);
        // GET /mailhook/activemq-dlq and POST …/redeliver: only where this broker runs.
        Multibinder.newSetBinder(binder(), Routes.class).addBinding().to(ActiveMqDeadLettersRoutes.class);
    }

    @Provides
    @Singleton
    ConnectionFactory connectionFactory(VmOnlyBroker broker) {
        return broker.connectionFactory();
    }

    @Provides
    @Singleton
    ActiveMQMailQueueFactory mailQueueFactory(ConnectionFactory connectionFactory, MailQueueItemDecoratorFactory decorators,
                                              MetricFactory metrics, GaugeRegistry gauges, ActiveMQMetricCollector collector) {
        // Stores each mail's bytes as they arrived (James' own queue turns 8-bit header bytes into '?').
        ActiveMQMailQueueFactory factory = new VerbatimActiveMQMailQueue.Factory(connectionFactory, decorators, metrics, gauges, collector);
        factory.setUseJMX(false);
        factory.init();
        return factory;
    }

    @Provides
    @Singleton
    ActiveMQConfiguration activeMQConfiguration(PropertiesProvider propertiesProvider) throws ConfigurationException {
        try {
            return ActiveMQConfiguration.from(propertiesProvider.getConfigurations("activemq"));
        } catch (FileNotFoundException e) {
            return ActiveMQConfiguration.getDefault();
        }
    }

    @ProvidesIntoSet
    InitializationOperation startMetricCollector(ActiveMQMetricCollector collector) {
        return InitilizationOperationBuilder
            .forClass(ActiveMQMetricCollector.class)
            .init(collector::start);
    }
}
