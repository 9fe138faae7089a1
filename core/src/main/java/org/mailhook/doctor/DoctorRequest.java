package org.mailhook.doctor;

import java.util.List;

import org.mailhook.dns.DnsResolver;

/**
 * What to examine: the mail domain, the MX hosts the operator expects (empty: not checked), the DKIM
 * selectors to check (empty: DKIM not checked) and whether to probe the network (SMTP on the MX hosts,
 * the MTA-STS policy over HTTPS).
 */
public record DoctorRequest(String domain, List<String> expectedMx, List<String> dkimSelectors, boolean probe) {
    public DoctorRequest {
        domain = DnsResolver.normalize(domain);
        expectedMx = List.copyOf(expectedMx);
        dkimSelectors = List.copyOf(dkimSelectors);
    }

    public static DoctorRequest of(String domain) {
        return new DoctorRequest(domain, List.of(), List.of(), false);
    }
}
