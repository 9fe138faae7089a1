package org.mailhook.mailets;

/**
 * The one place that names each repository and queue of the pipeline, with the default every mailet,
 * route, health check and {@code mailhook.properties} key falls back to. The shipped
 * {@code conf/mailetcontainer.xml} writes the same URLs; the settings check at startup that it and
 * {@code conf/mailhook.properties} agree ({@code org.mailhook.ops.MailhookSettings}).
 */
public final class Repositories {
    /** Archive's {@code repositoryPath}: what the pull API serves. */
    public static final String ARCHIVE = "mailhook://var/mail/archive/";
    /** WebhookDelivery's {@code queue}. */
    public static final String WEBHOOK_QUEUE = "mailhook-webhooks";
    /** WebhookDelivery's {@code deadLetterRepository}. */
    public static final String DEAD_LETTERS = "mailhook://var/mail/webhook-dead-letters/";
    /** WebhookDelivery's {@code deliveredRepository}: acknowledged deliveries. */
    public static final String DELIVERED = "mailhook://var/mail/mailhook-delivered/";
    /** WebhookDelivery's {@code parkedRepository} without it: this followed by the queue name and a slash. */
    public static final String PARKED_PREFIX = "mailhook://var/mail/webhook-parked/";
    /** WebhookDelivery's {@code instantAddresses} as the addresses API writes them. */
    public static final String INSTANT_ADDRESSES = "mailhook://var/mail/instant-addresses/";
    /** QuarantineAttachments' {@code repositoryPath}: intact originals of quarantined mail. */
    public static final String QUARANTINE = "mailhook://var/mail/quarantine/";
    /** The unrouted processor's {@code ToRepository}: mail for domains that are not ours. */
    public static final String UNROUTED = "mailhook://var/mail/unrouted/";
    /** The spooler's {@code errorRepository} and RedriveErrors' {@code repositoryPath}. */
    public static final String ERROR = "mailhook://var/mail/error/";

    private Repositories() {
    }
}
