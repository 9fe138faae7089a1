package org.mailhook.doctor;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.mailhook.doctor.DoctorDns.Answer;
import org.mailhook.doctor.DoctorDns.DnsFailure;
import org.xbill.DNS.Type;

/**
 * {@code mailhook doctor}: checks that a domain can receive mail reliably (MX and targets, SMTP and
 * TLS, MTA-STS, TLS-RPT, SPF, DMARC, DKIM, DNSSEC) and explains each finding. DNS, clock, probe
 * settings and progress output are injected.
 */
public final class Doctor {
    private final DoctorDns dns;
    private final Clock clock;
    private final ProbeSettings probeSettings;
    private final Consumer<String> progress;

    public Doctor(DoctorDns dns, Clock clock, ProbeSettings probeSettings, Consumer<String> progress) {
        this.dns = dns;
        this.clock = clock;
        this.probeSettings = probeSettings;
        this.progress = progress;
    }

    /**
     * Runs every check. Problems of the domain become findings; only a resolver that cannot answer
     * the first query (the domain's MX) is an exception.
     */
    public Report examine(DoctorRequest request) throws DnsFailure {
        String domain = request.domain();
        Answer mxAnswer = dns.query(domain, Type.MX);
        List<Finding> findings = new ArrayList<>();
        if (mxAnswer.nxdomain()) {
            findings.add(Finding.fail("domain.exists", domain, "the domain does not exist (NXDOMAIN)",
                "check the spelling, the delegation at the registrar and the resolver given with --resolver"));
            return new Report(domain, dns.description(), clock.instant(), findings);
        }
        MxCheck.Result mx = new MxCheck(dns).check(domain, mxAnswer, request.expectedMx());
        findings.addAll(mx.findings());
        MxTargetCheck.Result targets = new MxTargetCheck(dns).check(domain, mx.hosts());
        findings.addAll(targets.findings());
        if (request.probe()) {
            findings.addAll(new SmtpProbe(clock, probeSettings, progress).check(targets.addresses()));
        }
        findings.addAll(new MtaStsCheck(dns, probeSettings, progress).check(domain, mx.hosts(), request.probe()));
        findings.addAll(new TlsRptCheck(dns).check(domain));
        findings.addAll(new SpfCheck(dns).check(domain));
        findings.addAll(new DmarcCheck(dns).check(domain));
        findings.addAll(new DkimCheck(dns).check(domain, request.dkimSelectors()));
        findings.addAll(new DnssecCheck(dns).check(domain));
        return new Report(domain, dns.description(), clock.instant(), findings);
    }
}
