package org.mailhook.auth.dkim;

import org.mailhook.auth.AuthResult;

/**
 * The verdict on one DKIM-Signature.
 *
 * @param domain d= (the signing domain DMARC aligns with), or null when unreadable
 * @param identity i= (the agent or user identifier), or null
 * @param signaturePrefix the first characters of b=, for header.b in Authentication-Results
 * @param reason why it did not pass, or null
 */
public record DkimResult(AuthResult result, String domain, String selector, String algorithm, String identity,
                         String signaturePrefix, String reason) {
}
