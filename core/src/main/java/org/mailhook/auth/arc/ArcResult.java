package org.mailhook.auth.arc;

import java.util.List;

import org.mailhook.auth.AuthResult;

/**
 * The ARC chain validation status (RFC 8617 section 5.2): none, pass or fail; temperror when a key
 * lookup failed temporarily.
 *
 * @param instances the number of ARC sets (the highest i=)
 * @param oldestPass the lowest instance from which every AMS up to the newest still verifies (0 without a chain)
 * @param sets the ARC sets, oldest first (empty when the structure is broken)
 */
public record ArcResult(AuthResult result, String reason, int instances, int oldestPass, List<ArcSet> sets) {
}
