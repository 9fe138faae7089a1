package org.mailhook.server;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.util.Map;

import javax.jms.ConnectionFactory;
import javax.jms.JMSException;
import javax.jms.Message;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.activemq.BlobMessage;
import org.apache.activemq.command.ActiveMQBlobMessage;
import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.activemq.ActiveMQCacheableMailQueue;
import org.apache.james.queue.activemq.ActiveMQMailQueueFactory;
import org.apache.james.queue.activemq.metric.ActiveMQMetricCollector;
import org.apache.james.queue.api.MailQueueItemDecoratorFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.server.core.MimeMessageInputStream;
import org.apache.james.server.core.MimeMessageSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Mail;

/**
 * James' ActiveMQ mail queue, storing an unchanged mail's bytes straight from its source. James writes
 * the content with {@code MimeMessageInputStream}, which for a message whose headers were parsed parses
 * and re-writes every header line even when nothing changed (and, before mailhook-server's corrected
 * {@code InternetHeadersInputStream}, turned each 8-bit header byte into '?'). Copying the source keeps
 * the bytes exact (folding included) and skips that work. (The same reading is in the mailets'
 * {@code MailBytes.verbatim}; this class is loaded by the server's own class loader, which does not see
 * the extension jar.)
 */
final class VerbatimActiveMQMailQueue extends ActiveMQCacheableMailQueue {
    private static final Field SOURCE = sourceField();

    VerbatimActiveMQMailQueue(ConnectionFactory connectionFactory, MailQueueItemDecoratorFactory decorators, MailQueueName name,
                              MetricFactory metrics, GaugeRegistry gauges) {
        super(connectionFactory, decorators, name, true, metrics, gauges);
    }

    @Override
    protected void produceMail(Map<String, Object> props, int msgPrio, Mail mail) throws JMSException, MessagingException, IOException {
        BlobMessage blob = null;
        try {
            blob = getAMQSession(session).createBlobMessage(verbatim(mail.getMessage()));
            for (Map.Entry<String, Object> entry : props.entrySet()) {
                blob.setObjectProperty(entry.getKey(), entry.getValue());
            }
            producer.send(blob, Message.DEFAULT_DELIVERY_MODE, msgPrio, Message.DEFAULT_TIME_TO_LIVE);
        } catch (JMSException e) {
            if (blob instanceof ActiveMQBlobMessage uploaded) {
                uploaded.deleteFile();
            }
            throw e;
        }
    }

    static InputStream verbatim(MimeMessage message) throws MessagingException, IOException {
        if (message instanceof MimeMessageWrapper wrapper && !wrapper.isModified() && SOURCE != null) {
            try {
                MimeMessageSource source = (MimeMessageSource) SOURCE.get(wrapper);
                if (source != null) {
                    return source.getInputStream();
                }
            } catch (IllegalAccessException e) {
                // fall back to James' serialization
            }
        }
        return new MimeMessageInputStream(message);
    }

    private static Field sourceField() {
        try {
            Field field = MimeMessageWrapper.class.getDeclaredField("source");
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** James' factory, making this queue. */
    static final class Factory extends ActiveMQMailQueueFactory {
        private final ActiveMQMetricCollector collector;

        Factory(ConnectionFactory connectionFactory, MailQueueItemDecoratorFactory decorators, MetricFactory metrics,
                GaugeRegistry gauges, ActiveMQMetricCollector collector) {
            super(connectionFactory, decorators, metrics, gauges, collector);
            this.collector = collector;
        }

        @Override
        protected ManageableMailQueue createCacheableMailQueue(MailQueueName name) {
            collector.collectQueueStatistics(name);
            return new VerbatimActiveMQMailQueue(connectionFactory, mailQueueItemDecoratorFactory, name, metricFactory, gaugeRegistry);
        }
    }
}
