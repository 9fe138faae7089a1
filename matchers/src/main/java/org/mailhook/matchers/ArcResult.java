package org.mailhook.matchers;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** Matches on the ARC chain result (none, pass, fail), e.g. {@code ArcResult=pass}. */
public class ArcResult extends AuthResultMatcher {
    @Override
    protected List<String> values(JsonNode auth) {
        return at(auth, "/arc/result");
    }
}
