/**
 * The {@code /mailhook/*} WebAdmin routes: the pull API over the archive, deliveries (pending,
 * retrying, delivered, dead; redelivery and replay) and instant addresses, behind a Host/Origin guard,
 * with safe downloads. Thin adapters over the repositories the mailets write; may import James'
 * WebAdmin API, {@code org.mailhook.mailets}, {@code org.mailhook.ops} and the core engines.
 */
package org.mailhook.webadmin;
