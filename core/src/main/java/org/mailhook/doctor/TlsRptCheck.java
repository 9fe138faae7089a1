package org.mailhook.doctor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.mailhook.auth.dkim.TagList;
import org.mailhook.doctor.DoctorDns.DnsFailure;

/** The TLS-RPT record at {@code _smtp._tls.DOMAIN} (RFC 8460 3): version first, rua of mailto: or https: URIs. */
final class TlsRptCheck {
    static final String NOT_A_TAG_LIST = "not a tag=value list (a part without '=' or a tag given twice)";

    private final DoctorDns dns;

    TlsRptCheck(DoctorDns dns) {
        this.dns = dns;
    }

    List<Finding> check(String domain) {
        String name = "_smtp._tls." + domain;
        List<String> records;
        try {
            records = dns.txt(name).stream().filter(t -> t.startsWith("v=TLSRPTv1")).toList();
        } catch (DnsFailure e) {
            return List.of(Finding.warn("tls-rpt.record", name, "lookup failed: " + e.getMessage(), "make sure the zone answers TXT queries"));
        }
        if (records.isEmpty()) {
            return List.of(Finding.warn("tls-rpt.record", name, "no TLS-RPT record: nobody tells you when senders fail TLS to your MX",
                "publish \"v=TLSRPTv1; rua=mailto:tls-reports@" + domain + "\""));
        }
        if (records.size() > 1) {
            return List.of(Finding.fail("tls-rpt.record", name, records.size() + " TLS-RPT records; senders ignore them all",
                "keep exactly one v=TLSRPTv1 record"));
        }
        List<String> problems = problems(records.get(0));
        if (!problems.isEmpty()) {
            return List.of(Finding.fail("tls-rpt.record", name, "invalid TLS-RPT record: " + String.join("; ", problems),
                "use \"v=TLSRPTv1; rua=mailto:ADDRESS\" (or rua=https://...) as in RFC 8460 section 3"));
        }
        return List.of(Finding.pass("tls-rpt.record", name, "valid: " + records.get(0)));
    }

    private static List<String> problems(String record) {
        List<String> problems = new ArrayList<>();
        Optional<TagList> parsed = TagList.parse(record);
        if (parsed.isEmpty()) {
            return List.of(NOT_A_TAG_LIST);
        }
        TagList tags = parsed.get();
        if (!"v".equals(tags.firstTag()) || !"TLSRPTv1".equals(tags.get("v"))) {
            problems.add("v=TLSRPTv1 must come first");
        }
        String rua = tags.getOrDefault("rua", "");
        if (rua.isEmpty()) {
            problems.add("rua= is missing");
        }
        for (String uri : rua.isEmpty() ? new String[0] : rua.split(",")) {
            String u = uri.strip().toLowerCase(Locale.ROOT);
            boolean valid = (u.startsWith("mailto:") && u.indexOf('@') > "mailto:".length()) || (u.startsWith("https://") && u.length() > 8);
            if (!valid) {
                problems.add("rua URI '" + uri.strip() + "' is neither mailto:ADDRESS nor https://");
            }
        }
        return problems;
    }
}
