package org.mailhook.auth.results;

import java.util.ArrayList;
import java.util.List;

import org.mailhook.auth.arc.ArcResult;
import org.mailhook.auth.dkim.DkimResult;
import org.mailhook.auth.dmarc.DmarcResult;
import org.mailhook.auth.spf.SpfResult;

/**
 * Writes the Authentication-Results header value (RFC 8601): the authserv-id, then one resinfo per
 * method (spf, dkim per signature, dmarc, arc) with RFC 8601/7601 property names.
 */
public final class AuthenticationResultsHeader {
    /** RFC 2045 tspecials and whitespace: values containing them must be quoted. */
    private static final String SPECIALS = "()<>@,;:\\\"/[]?= \t";

    private AuthenticationResultsHeader() {
    }

    /**
     * @param mailFrom the SMTP MAIL FROM (empty for the null sender, when smtp.helo is given instead)
     */
    public static String format(String authservId, SpfResult spf, String mailFrom, String helo,
                                List<DkimResult> dkim, DmarcResult dmarc, ArcResult arc) {
        List<String> results = new ArrayList<>();
        if (spf != null) {
            String identity = mailFrom == null || mailFrom.isBlank()
                ? "smtp.helo=" + value(helo == null ? "" : helo)
                : "smtp.mailfrom=" + value(mailFrom);
            results.add("spf=" + spf.result().word() + comment(spf.reason()) + " " + identity);
        }
        if (dkim.isEmpty()) {
            results.add("dkim=none");
        }
        for (DkimResult signature : dkim) {
            StringBuilder resinfo = new StringBuilder("dkim=").append(signature.result().word())
                .append(comment(signature.reason()));
            property(resinfo, "header.d", signature.domain());
            property(resinfo, "header.i", signature.identity());
            property(resinfo, "header.s", signature.selector());
            property(resinfo, "header.a", signature.algorithm());
            property(resinfo, "header.b", signature.signaturePrefix());
            results.add(resinfo.toString());
        }
        if (dmarc != null) {
            StringBuilder resinfo = new StringBuilder("dmarc=").append(dmarc.result().word());
            resinfo.append(comment((dmarc.policy() == null ? "" : "p=" + dmarc.policy() + " ")
                + "dis=" + dmarc.disposition() + (dmarc.reason() == null ? "" : " " + dmarc.reason())));
            property(resinfo, "header.from", dmarc.domain());
            results.add(resinfo.toString());
        }
        if (arc != null) {
            StringBuilder resinfo = new StringBuilder("arc=").append(arc.result().word()).append(comment(arc.reason()));
            if (arc.oldestPass() > 0) {
                property(resinfo, "header.oldest-pass", Integer.toString(arc.oldestPass()));
            }
            results.add(resinfo.toString());
        }
        return authservId + ";\r\n\t" + String.join(";\r\n\t", results);
    }

    private static void property(StringBuilder resinfo, String name, String value) {
        if (value != null && !value.isEmpty()) {
            resinfo.append(' ').append(name).append('=').append(value(value));
        }
    }

    /** A value as a token, or a quoted-string when it holds specials (an address's '@' is allowed). */
    static String value(String value) {
        boolean plain = !value.isEmpty();
        for (char c : value.toCharArray()) {
            if ((SPECIALS.indexOf(c) >= 0 && c != '@') || c < 0x21 || c > 0x7e) {
                plain = false;
            }
        }
        return plain ? value : "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** A parenthesised comment, parentheses and backslashes escaped; empty when there is nothing to say. */
    static String comment(String text) {
        if (text == null || text.isBlank()) {
            return "";
        }
        String escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            .replaceAll("[\\r\\n]+", " ");
        return " (" + escaped + ")";
    }
}
