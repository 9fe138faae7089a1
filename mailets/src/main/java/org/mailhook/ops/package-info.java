/**
 * Operating the server: health checks, the free-space monitor, the canary, the operations settings
 * read from {@code mailhook.properties}, and access to the webhook queue and repositories for the
 * routes. May import James, {@code org.mailhook.mailets} and the core engines.
 */
package org.mailhook.ops;
