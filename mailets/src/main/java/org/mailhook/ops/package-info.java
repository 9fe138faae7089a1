/**
 * Operating the server: health checks, the free-space monitor, the canary, the settings of
 * {@code mailhook.properties} ({@code MailhookSettings}), and access to the webhook queue and
 * repositories for the routes. May import James, {@code org.mailhook.mailets} and the core engines.
 */
package org.mailhook.ops;
