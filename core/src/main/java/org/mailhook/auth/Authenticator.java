package org.mailhook.auth;

import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

import org.mailhook.auth.arc.ArcResult;
import org.mailhook.auth.arc.ArcSet;
import org.mailhook.auth.arc.ArcVerifier;
import org.mailhook.auth.dkim.DkimResult;
import org.mailhook.auth.dkim.DkimVerifier;
import org.mailhook.auth.dmarc.DmarcResult;
import org.mailhook.auth.dmarc.DmarcVerifier;
import org.mailhook.auth.results.AuthenticationResultsHeader;
import org.mailhook.auth.spf.SpfResult;
import org.mailhook.auth.spf.SpfVerifier;
import org.mailhook.dns.DnsResolver;

/**
 * The one entry point: SPF, DKIM, DMARC and ARC for one received message, and the Authentication-Results
 * value. A passing ARC chain whose trusted sealer saw dmarc=pass lifts a DMARC fail's disposition to
 * none: the forwarding case (mailing lists, forwarders) where the original signature broke on the way.
 */
public final class Authenticator {
    private static final Pattern DMARC_PASS = Pattern.compile("(?i)(^|[;\\s])dmarc\\s*=\\s*pass\\b");

    private final SpfVerifier spf;
    private final DkimVerifier dkim;
    private final DmarcVerifier dmarc;
    private final ArcVerifier arc;
    private final String authservId;
    private final Set<String> trustedArcSealers;

    /**
     * @param authservId this server's name in Authentication-Results (RFC 8601 section 2.5)
     * @param trustedArcSealers ARC sealer domains (AS d=) whose recorded DMARC pass we accept
     */
    public Authenticator(DnsResolver dns, Clock clock, RandomGenerator random, String authservId,
                         Set<String> trustedArcSealers) {
        this.spf = new SpfVerifier(dns, clock);
        this.dkim = new DkimVerifier(dns, clock);
        this.dmarc = new DmarcVerifier(dns, random);
        this.arc = new ArcVerifier(dns);
        this.authservId = authservId;
        this.trustedArcSealers = trustedArcSealers.stream().map(s -> s.strip().toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());
    }

    public String authservId() {
        return authservId;
    }

    /**
     * @param message the message bytes as received
     * @param clientIp the SMTP client address
     * @param mailFrom the MAIL FROM address, empty for the null sender
     */
    public AuthenticationReport authenticate(byte[] message, InetAddress clientIp, String helo, String mailFrom) {
        RawMessage parsed = RawMessage.parse(message);
        SpfResult spfResult = spf.check(clientIp, helo, mailFrom);
        List<DkimResult> dkimResults = dkim.verify(parsed);
        ArcResult arcResult = arc.verify(parsed);
        DmarcResult dmarcResult = dmarc.verify(parsed, spfResult, dkimResults);
        if (dmarcResult.result() == AuthResult.FAIL && arcResult.result() == AuthResult.PASS) {
            List<ArcSet> sets = arcResult.sets();
            for (int i = sets.size() - 1; i >= 0; i--) {
                ArcSet set = sets.get(i);
                if (trustedArcSealers.contains(set.sealer()) && DMARC_PASS.matcher(set.authenticationResults()).find()) {
                    dmarcResult = dmarcResult.overridden("trusted ARC sealer " + set.sealer() + " (i="
                        + set.instance() + ") saw dmarc=pass");
                    break;
                }
            }
        }
        String header = AuthenticationResultsHeader.format(authservId, spfResult, mailFrom, helo, dkimResults,
            dmarcResult, arcResult);
        return new AuthenticationReport(spfResult, dkimResults, dmarcResult, arcResult, header);
    }
}
