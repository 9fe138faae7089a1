package org.mailhook.matchers;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** Matches on the SPF result (pass, fail, softfail, neutral, none, temperror, permerror), e.g. {@code SpfResult=fail,softfail}. */
public class SpfResult extends AuthResultMatcher {
    @Override
    protected List<String> values(JsonNode auth) {
        return at(auth, "/spf/result");
    }
}
