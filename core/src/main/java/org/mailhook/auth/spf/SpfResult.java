package org.mailhook.auth.spf;

import org.mailhook.auth.AuthResult;

/**
 * The SPF verdict for one identity (RFC 7208 section 2.6).
 *
 * @param domain the domain whose policy was checked (MAIL FROM domain, or HELO for the null sender)
 * @param explanation the expanded {@code exp=} text for a fail, or null
 * @param reason why a permerror/temperror/none happened, or which mechanism matched
 */
public record SpfResult(AuthResult result, String domain, String explanation, String reason) {
}
