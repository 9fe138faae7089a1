/**
 * Reports that domains ask to receive by mail: DMARC aggregate reports (RFC 7489 appendix C, XML), SMTP TLS
 * reports (RFC 8460, JSON) and DMARC failure reports (RFC 6591 on ARF, RFC 5965), raw, gzip or zip, read
 * into one typed {@link org.mailhook.reports.Report} within bounded decompression and parsing. Plain Java
 * (the JDK's StAX with DTDs and external entities off, Jackson); imports no other Mailhook engine.
 */
package org.mailhook.reports;
