package org.mailhook.testing;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

import org.mailhook.doctor.KnotDns;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Turns the corpus' {@code DNS.json} zones ({@link org.mailhook.dns.JsonFileResolver}'s format) into zones
 * that a real DNS server ({@link KnotDns}) serves, so that the same data tests the mailets through real
 * DNS: TXT records keep their character-strings apart, as published.
 */
public final class DnsJsonZones {
    private DnsJsonZones() {
    }

    /** Every record of {@code dnsJson} at or below {@code apex}, as one zone. */
    public static KnotDns.Zone zone(String apex, JsonNode dnsJson) {
        StringBuilder records = new StringBuilder();
        Iterator<Map.Entry<String, JsonNode>> names = dnsJson.fields();
        while (names.hasNext()) {
            Map.Entry<String, JsonNode> entry = names.next();
            String name = entry.getKey().toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
            if (!name.equals(apex) && !name.endsWith("." + apex)) {
                continue;
            }
            JsonNode types = entry.getValue();
            types.path("TXT").forEach(txt -> records.append(name).append(". 300 TXT ").append(strings(txt)).append('\n'));
            types.path("A").forEach(a -> records.append(name).append(". 300 A ").append(a.asText()).append('\n'));
            types.path("AAAA").forEach(a -> records.append(name).append(". 300 AAAA ").append(a.asText()).append('\n'));
            types.path("MX").forEach(mx -> records.append(name).append(". 300 MX ")
                .append(mx.isArray() ? mx.get(0).asInt() + " " + mx.get(1).asText() : mx.path("priority").asInt() + " "
                    + mx.path("exchange").asText()).append(".\n"));
            JsonNode cname = types.path("CNAME");
            if (!cname.isMissingNode()) {
                records.append(name).append(". 300 CNAME ").append((cname.isArray() ? cname.get(0) : cname).asText()).append(".\n");
            }
        }
        return new KnotDns.Zone(apex, records.toString(), false);
    }

    /** One TXT record's character-strings in zone-file form, each quoted, split at 255 octets. */
    public static String strings(JsonNode txt) {
        StringBuilder out = new StringBuilder();
        if (txt.isArray()) {
            txt.forEach(chunk -> out.append(quoted(chunk.asText())).append(' '));
        } else {
            String text = txt.asText();
            for (int start = 0; start < text.length(); start += 255) {
                out.append(quoted(text.substring(start, Math.min(text.length(), start + 255)))).append(' ');
            }
        }
        return out.toString().strip();
    }

    private static String quoted(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c == '"' || c == '\\') {
                out.append('\\').append((char) c);
            } else if (c < 0x20 || c > 0x7e) {
                out.append(String.format("\\%03d", c));
            } else {
                out.append((char) c);
            }
        }
        return out.append('"').toString();
    }
}
