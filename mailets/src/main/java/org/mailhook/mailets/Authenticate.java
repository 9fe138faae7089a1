package org.mailhook.mailets;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.mailhook.auth.AuthenticationReport;
import org.mailhook.auth.Authenticator;
import org.mailhook.auth.results.ResultsHeaderInsertion;
import org.mailhook.config.ParameterValues;
import org.mailhook.dns.DnsJavaResolver;
import org.mailhook.dns.DnsResolver;
import org.mailhook.json.VerdictTime;

import com.google.common.net.InetAddresses;

/**
 * Authenticates each mail in one pass (SPF, DKIM, DMARC, ARC), removes Authentication-Results fields
 * that claim our authserv-id, prepends ours, and stores the result JSON as {@code mailhook.auth}.
 * <pre>{@code
 * <mailet match="All" class="org.mailhook.mailets.Authenticate">
 *   <authservId>mx.example.net</authservId>
 *   <trustedArcSealers>google.com, outlook.com</trustedArcSealers>
 *   <dnsTimeoutMillis>5000</dnsTimeoutMillis>
 *   <dnsServers></dnsServers>
 *   <dnsCacheEntries>10000</dnsCacheEntries>
 * </mailet>
 * }</pre>
 * DNS goes through dnsjava ({@link DnsJavaResolver}, the CLI's client too), to the resolvers in
 * {@code dnsServers} (host or host:port) or else the system's, with a TTL-bounded cache. Not James'
 * DNSService: it hands TXT records on in presentation form and cannot tell a timeout from "no record".
 * The mailet works on the received bytes and never parses the MIME structure, so malformed mail is
 * authenticated like any other.
 */
public class Authenticate extends GenericMailet {
    /** Set only by mailet tests, which answer from a fixed zone; James builds the mailet without it. */
    private final DnsResolver fixedResolver;
    private final Clock clock = Clock.systemUTC();
    private Authenticator authenticator;

    private final PipelineSteps steps;

    @Inject
    public Authenticate(PipelineSteps steps) {
        this(null, steps);
    }

    Authenticate(DnsResolver fixedResolver, PipelineSteps steps) {
        this.fixedResolver = fixedResolver;
        this.steps = steps;
    }

    @Override
    public void init() throws MessagingException {
        String authservId = getInitParameter("authservId", "");
        if (authservId.isBlank()) {
            authservId = localHostName();
        }
        Set<String> trusted = Arrays.stream(getInitParameter("trustedArcSealers", "").split("[,\\s]+"))
            .filter(s -> !s.isBlank()).collect(Collectors.toCollection(LinkedHashSet::new));
        ParameterValues parameters = ParameterValues.ofMailet("Authenticate", this::getInitParameter);
        Duration timeout;
        int cacheEntries;
        try {
            timeout = Duration.ofMillis(parameters.wholeNumber("dnsTimeoutMillis", 5000L, 0, Long.MAX_VALUE));
            // 0: no cache
            cacheEntries = parameters.wholeNumber("dnsCacheEntries", DnsJavaResolver.DEFAULT_CACHE_ENTRIES, 0, Integer.MAX_VALUE);
        } catch (IllegalArgumentException e) {
            throw new MessagingException(parameters.locate(e.getMessage()));
        }
        String[] servers = Arrays.stream(getInitParameter("dnsServers", "").split("[,\\s]+"))
            .filter(s -> !s.isBlank()).toArray(String[]::new);
        DnsResolver resolver = fixedResolver;
        try {
            if (resolver == null) {
                resolver = new DnsJavaResolver(timeout, cacheEntries, servers);
            }
        } catch (UnknownHostException e) {
            throw new MessagingException("Authenticate: <dnsServers> " + String.join(",", servers) + ": " + e.getMessage()
                + " (expected host, host:port or [IPv6]:port, comma separated)", e);
        }
        this.authenticator = new Authenticator(resolver, clock, new Random(), authservId, trusted);
        steps.verify((raw, envelope, stored) -> Optional.of(authenticator.authenticate(raw, client(envelope.remoteAddress()),
            envelope.helo() != null ? envelope.helo() : envelope.remoteHost(),
            envelope.mailFrom() == null ? "" : envelope.mailFrom()).toJson()));
    }

    @Override
    public String getMailetInfo() {
        return "Mailhook Authenticate: SPF, DKIM, DMARC, ARC and Authentication-Results";
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        byte[] raw = MailBytes.read(mail);
        InetAddress client = client(mail.getRemoteAddr());
        String helo = mail.getAttribute(Mail.SMTP_HELO).flatMap(a -> a.getValue().valueAs(String.class))
            .orElse(mail.getRemoteHost());
        String mailFrom = mail.getMaybeSender().asOptional().map(Object::toString).orElse("");
        AuthenticationReport report = authenticator.authenticate(raw, client, helo, mailFrom);
        MailBytes.replace(mail, ResultsHeaderInsertion.insert(raw, report.authenticationResults(), authenticator.authservId()));
        mail.setAttribute(new Attribute(MailAttributes.AUTH, AttributeValue.of(VerdictTime.stamp(report.toJson(), clock.instant()))));
    }

    private static InetAddress client(String remoteAddr) {
        return remoteAddr != null && InetAddresses.isInetAddress(remoteAddr) ? InetAddresses.forString(remoteAddr) : null;
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
