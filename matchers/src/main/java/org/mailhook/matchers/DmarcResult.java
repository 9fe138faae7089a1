package org.mailhook.matchers;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** Matches on the DMARC result (pass, fail, none, temperror, permerror, policy), e.g. {@code DmarcResult=fail}. */
public class DmarcResult extends AuthResultMatcher {
    @Override
    protected List<String> values(JsonNode auth) {
        return at(auth, "/dmarc/result");
    }
}
