package org.mailhook.auth.dkim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.mailhook.auth.AuthResult;
import org.mailhook.dns.DnsAnswer;
import org.mailhook.dns.DnsResolver;

/** Fetches the key record at {@code selector._domainkey.domain} (RFC 6376 section 3.6.2). */
public final class KeyLookup {

    /** A key, or the result word (permerror/temperror) and reason why there is none. */
    public record Outcome(DkimKey key, AuthResult error, String reason) {
    }

    /** Parsed key records by their text: decoding a key (base64, ASN.1, KeyFactory) costs more than the cached DNS answer. */
    private static final int PARSED_KEYS = 1_000;

    private final DnsResolver dns;
    private final Map<String, DkimKey.Parsed> parsedKeys = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, DkimKey.Parsed> eldest) {
            return size() > PARSED_KEYS;
        }
    };

    public KeyLookup(DnsResolver dns) {
        this.dns = dns;
    }

    private DkimKey.Parsed parse(String record) {
        synchronized (parsedKeys) {
            DkimKey.Parsed known = parsedKeys.get(record);
            if (known != null) {
                return known;
            }
        }
        DkimKey.Parsed parsed = DkimKey.parse(record);
        synchronized (parsedKeys) {
            parsedKeys.put(record, parsed);
        }
        return parsed;
    }

    public Outcome find(String selector, String domain) {
        String name = selector + "._domainkey." + domain;
        DnsAnswer<String> answer = dns.txt(name);
        if (answer.isTempFailure()) {
            return new Outcome(null, AuthResult.TEMPERROR, "DNS failure looking up key " + name);
        }
        List<String> records = answer.records();
        if (records.isEmpty()) {
            return new Outcome(null, AuthResult.PERMERROR, "no key at " + name);
        }
        // Several TXT records at a selector are ambiguous; the first usable one is taken, as mailauth does.
        String firstError = null;
        for (String record : records) {
            DkimKey.Parsed parsed = parse(record);
            if (parsed.key() != null) {
                return new Outcome(parsed.key(), null, null);
            }
            firstError = firstError == null ? parsed.error() : firstError;
        }
        return new Outcome(null, AuthResult.PERMERROR, firstError + " at " + name);
    }
}
