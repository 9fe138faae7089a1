/**
 * The webhook delivery runtime behind the {@code WebhookDelivery} mailet: its configuration
 * ({@link org.mailhook.mailets.delivery.WebhookDeliveryConfiguration}, read once from the mailet's
 * parameters), the queue consumer that signs, sends, retries, parks and dead-letters, the delayed
 * requeue (queue delay or RabbitMQ wait queues), the delivered-record and instant-address stores over
 * James repositories, and the delivery metrics. It may import the core engines ({@code org.mailhook.webhook},
 * {@code org.mailhook.config}), James' queue, repository and metrics APIs, and the shared mail helpers of
 * {@code org.mailhook.mailets} ({@code MailAttributes}, {@code MailBytes}, {@code ReceivedTime},
 * {@code PeriodicTask}, {@code RecordMails}); never another mailet.
 */
package org.mailhook.mailets.delivery;
