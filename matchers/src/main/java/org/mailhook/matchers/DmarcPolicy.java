package org.mailhook.matchers;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** Matches on the published DMARC policy that applies to the From domain (none, quarantine, reject; p= or sp=), e.g. {@code DmarcPolicy=reject}. */
public class DmarcPolicy extends AuthResultMatcher {
    @Override
    protected List<String> values(JsonNode auth) {
        return at(auth, "/dmarc/policy");
    }
}
