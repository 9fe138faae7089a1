package org.mailhook.spam;

import java.net.InetAddress;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import org.mailhook.config.ParameterValues;

/**
 * What SMTP answers at the end of DATA once Rspamd has scored a mail. Per recipient domain, {@code deliver}
 * (the default: score, take the mail, let the receiver decide) or {@code reject} (Rspamd's {@code reject}
 * answered {@code 550 5.7.1}, {@code soft reject} and {@code greylist} answered {@code 451 4.7.1}); a mail
 * for several domains follows the strictest. Rspamd down or slow: {@code deliver} (marked unavailable) or
 * {@code tempfail} ({@code 451 4.7.1}, the client retries). Mail the {@link Allowlist} allows is never refused
 * nor delayed.
 */
public final class SpamPolicy {
    /** The policy of one domain. */
    public enum Mode { DELIVER, REJECT }

    /** The SMTP answer to give. */
    public enum Answer {
        /** Take the mail (250), with its verdict. */
        DELIVER,
        /** 550 5.7.1: Rspamd said reject. */
        REJECT,
        /** 451 4.7.1: Rspamd said soft reject or greylist. */
        TEMPFAIL,
        /** 451 4.7.1: Rspamd could not be asked, and the policy says retry later. */
        TEMPFAIL_UNAVAILABLE
    }

    private final Mode defaultMode;
    private final Map<String, Mode> byDomain;
    private final boolean tempfailWhenUnavailable;
    private final Allowlist allowlist;

    public SpamPolicy(Mode defaultMode, Map<String, Mode> byDomain, boolean tempfailWhenUnavailable, Allowlist allowlist) {
        this.defaultMode = defaultMode;
        this.byDomain = Map.copyOf(byDomain);
        this.tempfailWhenUnavailable = tempfailWhenUnavailable;
        this.allowlist = allowlist;
    }

    /**
     * From parameters {@code policy} ({@code deliver} | {@code reject}), {@code rejectDomains},
     * {@code deliverDomains}, {@code whenUnavailable} ({@code deliver} | {@code tempfail}),
     * {@code allowSenders}, {@code allowNetworks}.
     *
     * @throws IllegalArgumentException naming the parameter
     */
    public static SpamPolicy fromParameters(Function<String, String> parameter) {
        ParameterValues values = ParameterValues.of(parameter);
        String policy = values.text("policy", "deliver").toLowerCase(Locale.ROOT);
        Mode mode = switch (policy) {
            case "deliver" -> Mode.DELIVER;
            case "reject" -> Mode.REJECT;
            default -> throw values.invalid("policy", policy, "deliver or reject");
        };
        Map<String, Mode> byDomain = new LinkedHashMap<>();
        values.domainNames("rejectDomains").forEach(d -> byDomain.put(d, Mode.REJECT));
        for (String domain : values.domainNames("deliverDomains")) {
            if (byDomain.putIfAbsent(domain, Mode.DELIVER) != null) {
                throw new IllegalArgumentException("deliverDomains: '" + domain + "' is also in rejectDomains");
            }
        }
        String unavailable = values.text("whenUnavailable", "deliver").toLowerCase(Locale.ROOT);
        if (!unavailable.equals("deliver") && !unavailable.equals("tempfail")) {
            throw values.invalid("whenUnavailable", unavailable, "deliver or tempfail");
        }
        Allowlist allowlist = Allowlist.parse(values.text("allowSenders"), values.text("allowNetworks"));
        return new SpamPolicy(mode, byDomain, unavailable.equals("tempfail"), allowlist);
    }


    /**
     * @param recipientDomains the domains of the mail's recipients
     * @param sender the envelope sender, or null for {@code <>}
     * @param client the SMTP client's address, or null
     */
    public Answer decide(SpamVerdict verdict, Collection<String> recipientDomains, String sender, InetAddress client) {
        if (allowlist.allows(sender, client)) {
            return Answer.DELIVER;
        }
        if (verdict.status() == SpamVerdict.Status.UNAVAILABLE) {
            return tempfailWhenUnavailable ? Answer.TEMPFAIL_UNAVAILABLE : Answer.DELIVER;
        }
        boolean reject = recipientDomains.stream()
            .anyMatch(domain -> byDomain.getOrDefault(domain.toLowerCase(Locale.ROOT), defaultMode) == Mode.REJECT);
        if (!reject) {
            return Answer.DELIVER;
        }
        return switch (verdict.action()) {
            case REJECT -> Answer.REJECT;
            case SOFT_REJECT, GREYLIST -> Answer.TEMPFAIL;
            default -> Answer.DELIVER;
        };
    }

    /** Whether the sender or client is allowlisted (for logs and metrics). */
    public boolean allows(String sender, InetAddress client) {
        return allowlist.allows(sender, client);
    }
}
