/**
 * DNS drift: a snapshot of the mail-relevant DNS records of a domain (MX, NS, SPF, DMARC, MTA-STS,
 * TLS-RPT, DKIM keys), the difference between two snapshots and the signed {@code mailhook.dns_drift.v1}
 * event that reports it. Reads DNS through the doctor's {@code DoctorDns}, so it may import
 * {@code org.mailhook.doctor}; the server's watcher (mailets {@code ops}) schedules it and posts the event.
 */
package org.mailhook.drift;
