package org.mailhook.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.net.InetAddresses;

/**
 * A fixed zone read from a {@code DNS.json} file, for the CLI and tests:
 * <pre>{"name": {"TXT": [["chunk", "chunk"], "string"], "A": ["192.0.2.1"], "AAAA": [...],
 *   "MX": [{"priority": 10, "exchange": "mx.example"}], "PTR": [...], "CNAME": [...], "TIMEOUT": true}}</pre>
 * A name that is absent is NXDOMAIN. {@code "TIMEOUT": true} makes every query at that name for a
 * type it has no records of time out (so a name can answer TXT and time out on A, as in the RFC 7208
 * suite). CNAMEs are followed for the other types. PTR records live at the reverse name ({@code 4.3.2.1.in-addr.arpa}).
 */
public final class JsonFileResolver implements DnsResolver {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final int MAX_CNAME_HOPS = 8;

    private final Map<String, JsonNode> zone = new HashMap<>();

    public JsonFileResolver(JsonNode zone) {
        Iterator<Map.Entry<String, JsonNode>> fields = zone.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> entry = fields.next();
            this.zone.put(DnsResolver.normalize(entry.getKey()), entry.getValue());
        }
    }

    public static JsonFileResolver read(Path file) throws IOException {
        return new JsonFileResolver(MAPPER.readTree(Files.readAllBytes(file)));
    }

    @Override
    public DnsAnswer<String> txt(String name) {
        return lookup(name, "TXT", node -> {
            if (node.isArray()) {
                StringBuilder joined = new StringBuilder();
                node.forEach(chunk -> joined.append(chunk.asText()));
                return joined.toString();
            }
            return node.asText();
        });
    }

    @Override
    public DnsAnswer<InetAddress> a(String name) {
        return lookup(name, "A", JsonFileResolver::address);
    }

    @Override
    public DnsAnswer<InetAddress> aaaa(String name) {
        return lookup(name, "AAAA", JsonFileResolver::address);
    }

    @Override
    public DnsAnswer<MxRecord> mx(String name) {
        return lookup(name, "MX", node -> node.isArray()
            ? new MxRecord(node.get(0).asInt(), DnsResolver.normalize(node.get(1).asText()))
            : new MxRecord(node.path("priority").asInt(), DnsResolver.normalize(node.path("exchange").asText())));
    }

    @Override
    public DnsAnswer<String> ptr(InetAddress address) {
        return lookup(DnsResolver.reverseName(address), "PTR", node -> DnsResolver.normalize(node.asText()));
    }

    @Override
    public DnsAnswer<String> cname(String name) {
        return lookup(name, "CNAME", node -> DnsResolver.normalize(node.asText()));
    }

    private <T> DnsAnswer<T> lookup(String name, String type, Function<JsonNode, T> convert) {
        String current = DnsResolver.normalize(name);
        JsonNode entry = zone.get(current);
        // Follow CNAMEs as a recursive resolver would; a loop is a server failure.
        for (int hops = 0; entry != null && !type.equals("CNAME") && !entry.has(type) && entry.has("CNAME"); hops++) {
            if (hops >= MAX_CNAME_HOPS) {
                return DnsAnswer.tempFailure();
            }
            JsonNode target = entry.get("CNAME");
            current = DnsResolver.normalize((target.isArray() ? target.get(0) : target).asText());
            entry = zone.get(current);
        }
        if (entry == null) {
            return DnsAnswer.notFound();
        }
        JsonNode values = entry.get(type);
        List<T> records = new ArrayList<>();
        if (values != null && values.isArray()) {
            values.forEach(value -> records.add(convert.apply(value)));
        } else if (values != null && !values.isNull()) {
            records.add(convert.apply(values));
        }
        if (records.isEmpty() && entry.path("TIMEOUT").asBoolean(false)) {
            return DnsAnswer.tempFailure();
        }
        return DnsAnswer.found(records);
    }

    private static InetAddress address(JsonNode node) {
        return InetAddresses.forString(node.asText());
    }
}
