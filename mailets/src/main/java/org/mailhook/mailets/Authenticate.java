package org.mailhook.mailets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.mailhook.auth.AuthenticationReport;
import org.mailhook.auth.Authenticator;
import org.mailhook.auth.results.ForgedResults;
import org.mailhook.dns.DnsJavaResolver;
import org.mailhook.dns.DnsResolver;
import org.mailhook.dns.TimeoutResolver;

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
 * </mailet>
 * }</pre>
 * DNS goes through James' DNSService unless {@code dnsServers} names resolvers (host or host:port) for
 * dnsjava, which also tells timeouts from missing records for TXT lookups.
 */
public class Authenticate extends GenericMailet {
    static final String HEADER = "Authentication-Results";

    private final DNSService dnsService;
    private Authenticator authenticator;

    @Inject
    public Authenticate(DNSService dnsService) {
        this.dnsService = dnsService;
    }

    @Override
    public void init() throws MessagingException {
        String authservId = getInitParameter("authservId", "");
        if (authservId.isBlank()) {
            authservId = localHostName();
        }
        Set<String> trusted = Arrays.stream(getInitParameter("trustedArcSealers", "").split("[,\\s]+"))
            .filter(s -> !s.isBlank()).collect(Collectors.toCollection(LinkedHashSet::new));
        String timeoutText = getInitParameter("dnsTimeoutMillis", "5000").strip();
        Duration timeout;
        try {
            timeout = Duration.ofMillis(Long.parseLong(timeoutText));
        } catch (NumberFormatException e) {
            throw new MessagingException("Authenticate: dnsTimeoutMillis must be a number of milliseconds, got '"
                + timeoutText + "'");
        }
        String[] servers = Arrays.stream(getInitParameter("dnsServers", "").split("[,\\s]+"))
            .filter(s -> !s.isBlank()).toArray(String[]::new);
        DnsResolver resolver;
        if (servers.length > 0) {
            try {
                resolver = new DnsJavaResolver(timeout, servers);
            } catch (UnknownHostException e) {
                throw new MessagingException("Authenticate: unknown DNS server in dnsServers", e);
            }
        } else {
            resolver = new TimeoutResolver(new JamesDnsResolver(dnsService), timeout);
        }
        this.authenticator = new Authenticator(resolver, Clock.systemUTC(), new Random(), authservId, trusted);
    }

    @Override
    public String getMailetInfo() {
        return "Mailhook Authenticate: SPF, DKIM, DMARC, ARC and Authentication-Results";
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        MimeMessage message = mail.getMessage();
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try {
            message.writeTo(raw);
        } catch (IOException e) {
            throw new MessagingException("Authenticate: cannot read the message", e);
        }
        String remoteAddr = mail.getRemoteAddr();
        InetAddress client = remoteAddr != null && InetAddresses.isInetAddress(remoteAddr)
            ? InetAddresses.forString(remoteAddr) : null;
        String helo = mail.getAttribute(Mail.SMTP_HELO).flatMap(a -> a.getValue().valueAs(String.class))
            .orElse(mail.getRemoteHost());
        String mailFrom = mail.getMaybeSender().asOptional().map(Object::toString).orElse("");
        AuthenticationReport report = authenticator.authenticate(raw.toByteArray(), client, helo, mailFrom);
        prependResults(message, report.authenticationResults());
        mail.setAttribute(new Attribute(MailAttributes.AUTH, AttributeValue.of(report.toJson())));
    }

    /**
     * Rewrites the header: ours first (RFC 8601 section 5 asks for the top), then every field as it was,
     * minus Authentication-Results that claim our authserv-id.
     */
    private void prependResults(MimeMessage message, String value) throws MessagingException {
        List<String> lines = Collections.list(message.getAllHeaderLines());
        Set<String> names = new LinkedHashSet<>();
        for (String line : lines) {
            names.add(line.substring(0, Math.max(0, line.indexOf(':'))).strip());
        }
        for (String name : names) {
            message.removeHeader(name);
        }
        message.addHeaderLine(HEADER + ": " + value);
        for (String line : lines) {
            int colon = line.indexOf(':');
            boolean forged = colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase(HEADER)
                && ForgedResults.claims(line.substring(colon + 1), authenticator.authservId());
            if (!forged) {
                message.addHeaderLine(line);
            }
        }
    }

    private String localHostName() {
        try {
            return dnsService.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
