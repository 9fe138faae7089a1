/**
 * DNS as the authentication and doctor engines need it: the {@link org.mailhook.dns.DnsResolver}
 * interface whose answers keep their meaning (records, NXDOMAIN/NODATA vs temporary failure, TTLs),
 * the dnsjava client with its bounded TTL cache, and the DNS.json file resolver for the CLI and tests.
 * Imports no other Mailhook package.
 */
package org.mailhook.dns;
