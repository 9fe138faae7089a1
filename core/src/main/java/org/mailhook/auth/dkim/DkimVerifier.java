package org.mailhook.auth.dkim;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.mailhook.auth.AuthResult;
import org.mailhook.auth.RawMessage;
import org.mailhook.auth.RawMessage.HeaderField;
import org.mailhook.dns.DnsResolver;

/**
 * Verifies every DKIM-Signature of a message (RFC 6376, RFC 8463 Ed25519, RFC 8301 algorithm and key
 * size rules). Result words follow RFC 8601 2.7.1: fail when a well-formed signature does not verify,
 * policy when RFC 8301 or the key record forbids it, neutral for a malformed or expired signature,
 * permerror for a missing or unusable key, temperror for DNS failures.
 */
public final class DkimVerifier {
    /**
     * Signatures checked per mail, as mailauth and OpenDKIM bound them: each costs a hash and a DNS
     * query, so an unbounded count lets one hostile mail make the server work for it.
     */
    public static final int MAX_SIGNATURES = 10;

    private final KeyLookup keys;
    private final Clock clock;

    public DkimVerifier(DnsResolver dns, Clock clock) {
        this.keys = new KeyLookup(dns);
        this.clock = clock;
    }

    /** One result per DKIM-Signature field, top to bottom; empty when the message is unsigned. */
    public List<DkimResult> verify(RawMessage message) {
        List<DkimResult> results = new ArrayList<>();
        Map<String, String> bodyHashes = new HashMap<>();
        List<HeaderField> fields = message.headers("DKIM-Signature");
        for (HeaderField field : fields.subList(0, Math.min(fields.size(), MAX_SIGNATURES))) {
            results.add(verify(message, field, bodyHashes));
        }
        if (fields.size() > MAX_SIGNATURES) {
            results.add(new DkimResult(AuthResult.POLICY, null, null, null, null, null,
                (fields.size() - MAX_SIGNATURES) + " more signatures not checked (at most " + MAX_SIGNATURES + " per mail)"));
        }
        return results;
    }

    private DkimResult verify(RawMessage message, HeaderField field, Map<String, String> bodyHashes) {
        Optional<TagList> parsed = TagList.parse(field.value());
        if (parsed.isEmpty()) {
            return new DkimResult(AuthResult.NEUTRAL, null, null, null, null, null, "signature syntax error");
        }
        TagList tags = parsed.get();
        String domain = lower(tags.get("d"));
        String selector = tags.get("s");
        String algorithmTag = lower(tags.get("a"));
        String signature = tags.compact("b");
        String prefix = signature == null ? null : signature.substring(0, Math.min(12, signature.length()));
        Verdict verdict = new Verdict(domain, selector, algorithmTag, null, prefix);
        for (String required : List.of("v", "a", "b", "bh", "d", "h", "s")) {
            if (!tags.has(required) || tags.get(required).isEmpty()) {
                return verdict.of(AuthResult.NEUTRAL, "signature lacks " + required + "=");
            }
        }
        if (!tags.get("v").equals("1")) {
            return verdict.of(AuthResult.NEUTRAL, "unsupported signature version " + tags.get("v"));
        }
        String identity = tags.getOrDefault("i", "@" + domain);
        verdict = new Verdict(domain, selector, algorithmTag, identity, prefix);
        String identityDomain = lower(identity.substring(identity.lastIndexOf('@') + 1));
        if (!identityDomain.equals(domain) && !identityDomain.endsWith("." + domain)) {
            return verdict.of(AuthResult.NEUTRAL, "i= is not within d=");
        }
        List<String> signedNames = Arrays.stream(tags.get("h").split(":")).map(String::strip).toList();
        if (signedNames.stream().noneMatch(name -> name.equalsIgnoreCase("from"))) {
            return verdict.of(AuthResult.NEUTRAL, "From is not signed");
        }
        Optional<SigningAlgorithm> algorithm = SigningAlgorithm.of(algorithmTag);
        if (algorithm.isEmpty()) {
            return verdict.of(AuthResult.NEUTRAL, "unknown algorithm " + algorithmTag);
        }
        if (algorithm.get() == SigningAlgorithm.RSA_SHA1) {
            return verdict.of(AuthResult.POLICY, "rsa-sha1 is not accepted (RFC 8301)");
        }
        String canonicalization = lower(tags.getOrDefault("c", "simple/simple"));
        String[] modes = canonicalization.split("/", -1);
        String headerMode = modes[0];
        String bodyMode = modes.length > 1 ? modes[1] : "simple";
        if (modes.length > 2 || !isMode(headerMode) || !isMode(bodyMode)) {
            return verdict.of(AuthResult.NEUTRAL, "unknown canonicalization " + canonicalization);
        }
        String query = tags.getOrDefault("q", "dns/txt");
        if (!lower(query).contains("dns/txt")) {
            return verdict.of(AuthResult.NEUTRAL, "unsupported query method " + query);
        }
        Long signedAt = number(tags.get("t"));
        Long expires = number(tags.get("x"));
        if ((tags.has("t") && signedAt == null) || (tags.has("x") && expires == null)
            || (signedAt != null && expires != null && expires < signedAt)) {
            return verdict.of(AuthResult.NEUTRAL, "bad t= or x= timestamp");
        }
        if (expires != null && clock.instant().getEpochSecond() > expires) {
            return verdict.of(AuthResult.NEUTRAL, "signature expired");
        }
        Long length = number(tags.get("l"));
        if (tags.has("l") && length == null) {
            return verdict.of(AuthResult.NEUTRAL, "bad l= length");
        }

        // The body hash first: a forged mail costs no DNS query (and cannot make us query for it).
        String bodyHash = BodyHash.of(message, bodyMode.equals("relaxed"), length, algorithm.get(), bodyHashes);
        if (bodyHash == null) {
            return verdict.of(AuthResult.FAIL, "body shorter than l=");
        }
        if (!bodyHash.equals(tags.compact("bh"))) {
            return verdict.of(AuthResult.FAIL, "body hash did not verify");
        }

        KeyLookup.Outcome lookup = keys.find(selector, domain);
        if (lookup.key() == null) {
            return verdict.of(lookup.error(), lookup.reason());
        }
        DkimKey key = lookup.key();
        DkimKey.Refusal refusal = key.refusal(algorithm.get());
        if (refusal != null) {
            return verdict.of(refusal.result(), refusal.reason());
        }
        if (key.strictIdentity() && !identityDomain.equals(domain)) {
            return verdict.of(AuthResult.POLICY, "key t=s forbids the subdomain in i=");
        }
        byte[] data = SignedHeaders.data(message, signedNames, field, headerMode.equals("relaxed"));
        byte[] signatureBytes;
        try {
            signatureBytes = Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            return verdict.of(AuthResult.NEUTRAL, "b= is not base64");
        }
        if (!algorithm.get().verify(key.key(), data, signatureBytes)) {
            return verdict.of(AuthResult.FAIL, "signature did not verify");
        }
        return verdict.of(AuthResult.PASS, null);
    }

    private static boolean isMode(String mode) {
        return mode.equals("simple") || mode.equals("relaxed");
    }

    private static Long number(String value) {
        if (value == null || !value.matches("[0-9]{1,16}")) {
            return null;
        }
        return Long.parseLong(value);
    }

    private static String lower(String value) {
        return value == null ? null : value.toLowerCase(Locale.ROOT);
    }

    private record Verdict(String domain, String selector, String algorithm, String identity, String prefix) {
        DkimResult of(AuthResult result, String reason) {
            return new DkimResult(result, domain, selector, algorithm, identity, prefix, reason);
        }
    }
}
