package org.mailhook.matchers;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Matches on the DMARC disposition: what the domain owner asks for this mail after pct= and a trusted ARC
 * override (none, quarantine, reject), e.g. {@code DmarcDisposition=reject}.
 */
public class DmarcDisposition extends AuthResultMatcher {
    @Override
    protected List<String> values(JsonNode auth) {
        return at(auth, "/dmarc/disposition");
    }
}
