package org.mailhook.auth.arc;

/**
 * One ARC set as found on the message.
 *
 * @param sealer the ARC-Seal d= (the ADMD that sealed this hop)
 * @param authenticationResults the ARC-Authentication-Results text after {@code i=N;}: what that hop saw
 */
public record ArcSet(int instance, String sealer, String authenticationResults) {
}
