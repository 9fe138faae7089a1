package org.mailhook.auth.dmarc;

import org.mailhook.auth.AuthResult;

/**
 * The DMARC verdict for the RFC5322.From domain.
 *
 * @param policy the policy that applies (p=, or sp= for a subdomain), null without a usable record
 * @param disposition what the domain owner asks for this mail: none, quarantine or reject (after pct=)
 * @param domain the From domain
 * @param reason how the result was reached
 */
public record DmarcResult(AuthResult result, String policy, String disposition, String domain, String reason) {

    /** The same verdict with the disposition lifted to none, e.g. for a trusted ARC sealer. */
    public DmarcResult overridden(String why) {
        return new DmarcResult(result, policy, "none", domain, reason + "; overridden: " + why);
    }
}
