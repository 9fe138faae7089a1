package org.mailhook.matchers;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Matches when any DKIM signature has one of the results (pass, fail, neutral, policy, temperror,
 * permerror), or {@code none} when the mail carries no signature, e.g. {@code DkimResult=pass}.
 */
public class DkimResult extends AuthResultMatcher {
    @Override
    protected List<String> values(JsonNode auth) {
        List<String> results = new ArrayList<>();
        auth.path("dkim").forEach(signature -> results.addAll(at(signature, "/result")));
        if (results.isEmpty() && auth.has("dkim")) {
            results.add("none");
        }
        return results;
    }
}
