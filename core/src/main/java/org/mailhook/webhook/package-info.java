/**
 * Webhook delivery as plain Java: routes and instant addresses, the payload, Standard Webhooks signing
 * and keys, the retry schedule, outcome classification, the HTTP sender with its SSRF guard, endpoint
 * breakers and limits, and delivered records. Owns everything about one POST and when to try again;
 * the queue that holds the mail between attempts is the adapters'. May import {@code
 * org.mailhook.json} only.
 */
package org.mailhook.webhook;
