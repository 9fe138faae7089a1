package org.mailhook.auth;

import java.util.List;

import org.mailhook.auth.arc.ArcResult;
import org.mailhook.auth.dkim.DkimResult;
import org.mailhook.auth.dmarc.DmarcResult;
import org.mailhook.auth.spf.SpfResult;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Everything one authentication pass found, and the Authentication-Results header value written from it.
 * {@link #toJson()} is the {@code auth} object of the message JSON and the {@code mailhook.auth} attribute.
 */
public record AuthenticationReport(SpfResult spf, List<DkimResult> dkim, DmarcResult dmarc, ArcResult arc,
                                   String authenticationResults) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public AuthenticationReport {
        dkim = List.copyOf(dkim);
    }

    /**
     * <pre>{"spf": {"result", "domain"}, "dkim": [{"result", "domain", "selector", "algorithm", "reason"}],
     *  "dmarc": {"result", "policy", "disposition", "domain"}, "arc": {"result", "reason"},
     *  "authenticationResults": "..."}</pre>
     * Results are RFC 8601 words; absent values are null.
     */
    public String toJson() {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode spfNode = root.putObject("spf");
        spfNode.put("result", spf.result().word());
        spfNode.put("domain", spf.domain());
        ArrayNode dkimNodes = root.putArray("dkim");
        for (DkimResult signature : dkim) {
            ObjectNode node = dkimNodes.addObject();
            node.put("result", signature.result().word());
            node.put("domain", signature.domain());
            node.put("selector", signature.selector());
            node.put("algorithm", signature.algorithm());
            node.put("reason", signature.reason());
        }
        ObjectNode dmarcNode = root.putObject("dmarc");
        dmarcNode.put("result", dmarc.result().word());
        dmarcNode.put("policy", dmarc.policy());
        dmarcNode.put("disposition", dmarc.disposition());
        dmarcNode.put("domain", dmarc.domain());
        ObjectNode arcNode = root.putObject("arc");
        arcNode.put("result", arc.result().word());
        arcNode.put("reason", arc.reason());
        root.put("authenticationResults", authenticationResults);
        return root.toString();
    }
}
