/**
 * {@code mailhook doctor}: DNS and transport checks (MX, SPF, DKIM, DMARC, MTA-STS, TLS-RPT, DNSSEC,
 * an SMTP probe) that tell an operator whether mail will arrive and authenticate before a cutover. May
 * import {@code org.mailhook.auth} subpackages (record parsers) and {@code org.mailhook.dns}.
 */
package org.mailhook.doctor;
