package org.mailhook.mailets;

import java.time.Clock;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.mailhook.mailets.delivery.WebhookDeliveryConfiguration;
import org.mailhook.mailets.delivery.WebhookDeliveryRuntime;
import org.mailhook.mailets.delivery.WebhookMetrics;

import com.google.inject.Injector;

import okhttp3.Dns;

/**
 * Routes each mail to its webhook endpoint(s) and hands one copy per endpoint to a durable James
 * mail queue, then returns; a consumer started by this mailet POSTs the JSON signed per Standard
 * Webhooks, retries on the schedule and moves what cannot be delivered to a dead-letter repository.
 * The queue holds the whole mail, so nothing accepted is lost when an endpoint or this server goes
 * down. Parameters: docs/webhooks.md.
 *
 * <p>Shaped like James' RemoteDelivery: {@link WebhookDeliveryConfiguration} reads the parameters once,
 * {@link WebhookDeliveryRuntime} (package {@code org.mailhook.mailets.delivery}) runs the queue, and this
 * class only connects them to the mailet container. It needs ToJson before it ({@code mailhook.id},
 * {@code mailhook.json}).
 *
 * <pre>{@code
 * <mailet match="All" class="org.mailhook.mailets.WebhookDelivery">
 *     <url>https://hooks.example.com/inbound</url>
 *     <secret>${env:MAILHOOK_WEBHOOK_SECRET}</secret>
 * </mailet>
 * }</pre>
 */
public class WebhookDelivery extends GenericMailet {
    private final WebhookDeliveryRuntime.Services services;

    private WebhookDeliveryConfiguration configuration;
    private WebhookDeliveryRuntime runtime;

    @Inject
    public WebhookDelivery(MailQueueFactory<?> queueFactory, MailRepositoryStore repositoryStore,
                           MetricFactory metricFactory, GaugeRegistry gauges, Injector injector) {
        this(new WebhookDeliveryRuntime.Services(queueFactory, repositoryStore, Clock.systemUTC(), Dns.SYSTEM,
            new WebhookMetrics(metricFactory, gauges), gauges, injector));
    }

    WebhookDelivery(MailQueueFactory<?> queueFactory, MailRepositoryStore repositoryStore, Clock clock, Dns dns, Injector injector) {
        this(new WebhookDeliveryRuntime.Services(queueFactory, repositoryStore, clock, dns, WebhookMetrics.NONE, null, injector));
    }

    private WebhookDelivery(WebhookDeliveryRuntime.Services services) {
        this.services = services;
    }

    @Override
    public String getMailetInfo() {
        return "Mailhook WebhookDelivery";
    }

    @Override
    public void init() throws MessagingException {
        configuration = new WebhookDeliveryConfiguration(getMailetConfig(), services.clock());
        runtime = WebhookDeliveryRuntime.start(configuration, services);
        if (services.injector() != null) {
            // The SMTP recipient check (smtpserver.xml) answers from these routes before a mail is taken.
            services.injector().getInstance(RoutedRecipients.class).publish(getMailetName(), runtime::covers);
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        runtime.enqueue(mail, getMailetContext());
        if (!configuration.passThrough()) {
            mail.setState(Mail.GHOST);
        }
    }

    @Override
    public void destroy() {
        if (runtime != null) {
            if (services.injector() != null) {
                services.injector().getInstance(RoutedRecipients.class).withdraw(getMailetName());
            }
            runtime.close();
        }
    }
}
