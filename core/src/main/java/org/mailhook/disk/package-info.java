/**
 * The free-space guard (Postfix's {@code queue_minfree}): reads the data directory's file system at
 * most once a second and says when to refuse new mail. Owns the thresholds and the hysteresis; the
 * SMTP hook and health check that act on it are adapters. Imports no other Mailhook package.
 */
package org.mailhook.disk;
