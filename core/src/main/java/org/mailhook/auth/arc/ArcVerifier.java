package org.mailhook.auth.arc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.mailhook.auth.AuthResult;
import org.mailhook.auth.RawMessage;
import org.mailhook.auth.RawMessage.HeaderField;
import org.mailhook.auth.dkim.BodyHash;
import org.mailhook.auth.dkim.Canonicalization;
import org.mailhook.auth.dkim.DkimKey;
import org.mailhook.auth.dkim.KeyLookup;
import org.mailhook.auth.dkim.SignedHeaders;
import org.mailhook.auth.dkim.SigningAlgorithm;
import org.mailhook.auth.dkim.TagList;
import org.mailhook.dns.DnsResolver;

/**
 * ARC chain validation (RFC 8617 section 5.2): structure, the newest ARC-Message-Signature, every
 * ARC-Seal, and the oldest instance whose AMS still verifies. Key rules are DKIM's (RFC 8301 included).
 */
public final class ArcVerifier {
    static final int MAX_INSTANCES = 50;
    private static final Pattern AAR_INSTANCE = Pattern.compile("\\s*i\\s*=\\s*([0-9]+)\\s*;(.*)", Pattern.DOTALL);
    private static final Pattern DOMAIN = Pattern.compile(
        "(?i)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)+");

    private final KeyLookup keys;

    public ArcVerifier(DnsResolver dns) {
        this.keys = new KeyLookup(dns);
    }

    public ArcResult verify(RawMessage message) {
        List<HeaderField> aarFields = message.headers("ARC-Authentication-Results");
        List<HeaderField> amsFields = message.headers("ARC-Message-Signature");
        List<HeaderField> asFields = message.headers("ARC-Seal");
        if (aarFields.isEmpty() && amsFields.isEmpty() && asFields.isEmpty()) {
            return new ArcResult(AuthResult.NONE, "no ARC sets", 0, 0, List.of());
        }
        Map<Integer, HeaderField> aars = new TreeMap<>();
        Map<Integer, HeaderField> amss = new TreeMap<>();
        Map<Integer, HeaderField> seals = new TreeMap<>();
        Map<Integer, TagList> amsTags = new HashMap<>();
        Map<Integer, TagList> sealTags = new HashMap<>();
        Map<Integer, String> aarTexts = new HashMap<>();
        for (HeaderField field : aarFields) {
            Matcher matcher = AAR_INSTANCE.matcher(field.value());
            Integer instance = matcher.matches() ? instance(matcher.group(1)) : null;
            if (instance == null || aars.put(instance, field) != null) {
                return fail("missing, invalid or duplicate ARC-Authentication-Results i=");
            }
            aarTexts.put(instance, matcher.group(2).replace("\r\n", "").strip());
        }
        String problem = collect(amsFields, amss, amsTags, "ARC-Message-Signature");
        problem = problem != null ? problem : collect(asFields, seals, sealTags, "ARC-Seal");
        if (problem != null) {
            return fail(problem);
        }
        int newest = seals.size();
        for (int i = 1; i <= newest; i++) {
            if (!aars.containsKey(i) || !amss.containsKey(i) || !seals.containsKey(i)) {
                return fail("ARC set " + i + " is incomplete");
            }
        }
        if (aars.size() != newest || amss.size() != newest) {
            return fail("ARC sets are not numbered 1 to " + newest);
        }
        if (newest > MAX_INSTANCES) {
            return fail("more than " + MAX_INSTANCES + " ARC sets");
        }
        for (int i = 1; i <= newest; i++) {
            String cv = sealTags.get(i).get("cv");
            if (newest == i && "fail".equals(cv)) {
                return fail("ARC-Seal i=" + i + " records cv=fail");
            }
            String expected = i == 1 ? "none" : "pass";
            if (!expected.equals(cv)) {
                return fail("ARC-Seal i=" + i + " has cv=" + cv + " where " + expected + " belongs");
            }
        }
        Map<String, String> bodyHashes = new HashMap<>();
        int oldestPass = newest;
        try {
            String amsProblem = verifyMessageSignature(message, amss.get(newest), amsTags.get(newest), bodyHashes);
            if (amsProblem != null) {
                return fail("ARC-Message-Signature i=" + newest + ": " + amsProblem);
            }
            for (int i = newest; i >= 1; i--) {
                String sealProblem = verifySeal(aars, amss, seals, sealTags.get(i), i);
                if (sealProblem != null) {
                    return fail("ARC-Seal i=" + i + ": " + sealProblem);
                }
            }
            while (oldestPass > 1 && verifyMessageSignature(message, amss.get(oldestPass - 1),
                amsTags.get(oldestPass - 1), bodyHashes) == null) {
                oldestPass--;
            }
        } catch (KeyUnavailable e) {
            // A DNS outage says nothing about the chain: temperror, so nobody rejects on it.
            return new ArcResult(AuthResult.TEMPERROR, e.getMessage(), 0, 0, List.of());
        }
        List<ArcSet> sets = new ArrayList<>();
        for (int i = 1; i <= newest; i++) {
            sets.add(new ArcSet(i, sealTags.get(i).get("d").toLowerCase(Locale.ROOT), aarTexts.get(i)));
        }
        return new ArcResult(AuthResult.PASS, "chain of " + newest + " verified", newest, oldestPass, sets);
    }

    /** A key lookup failed temporarily. */
    private static final class KeyUnavailable extends Exception {
        KeyUnavailable(String reason) {
            super(reason);
        }
    }

    private static ArcResult fail(String reason) {
        return new ArcResult(AuthResult.FAIL, reason, 0, 0, List.of());
    }

    /** Files AMS or AS fields by instance; returns a problem or null. */
    private static String collect(List<HeaderField> fields, Map<Integer, HeaderField> byInstance,
                                  Map<Integer, TagList> tagsByInstance, String name) {
        for (HeaderField field : fields) {
            Optional<TagList> tags = TagList.parse(field.value());
            if (tags.isEmpty()) {
                return name + " syntax error";
            }
            Integer instance = instance(tags.get().get("i"));
            if (instance == null) {
                return name + " without a valid i=";
            }
            if (byInstance.put(instance, field) != null) {
                return "duplicate " + name + " i=" + instance;
            }
            tagsByInstance.put(instance, tags.get());
        }
        return null;
    }

    private static Integer instance(String value) {
        if (value == null || !value.matches("[0-9]{1,3}")) {
            return null;
        }
        int instance = Integer.parseInt(value);
        return instance >= 1 && instance <= MAX_INSTANCES ? instance : null;
    }

    /** DKIM-style verification of one AMS (RFC 8617 section 4.1.2); returns a problem or null. */
    private String verifyMessageSignature(RawMessage message, HeaderField field, TagList tags,
                                          Map<String, String> bodyHashes) throws KeyUnavailable {
        String missing = missing(tags, "a", "b", "bh", "d", "s");
        if (missing != null) {
            return missing;
        }
        if (!tags.has("h")) {
            // An empty h= is valid (only the AMS itself is signed); an absent one is not.
            return "missing h=";
        }
        List<String> signedNames = Arrays.stream(tags.get("h").split(":")).map(String::strip)
            .filter(name -> !name.isEmpty()).toList();
        if (signedNames.stream().anyMatch(n -> n.equalsIgnoreCase("arc-seal"))) {
            return "h= signs an ARC-Seal";
        }
        // Without c= the ValiMail suite (and mailauth) expect relaxed/relaxed, ARC signers' only mode.
        String canonicalization = tags.getOrDefault("c", "relaxed/relaxed");
        String[] modes = canonicalization.split("/", -1);
        if (modes.length > 2 || !isMode(modes[0]) || (modes.length == 2 && !isMode(modes[1]))) {
            return "bad c=" + canonicalization;
        }
        if (tags.has("t") && !tags.get("t").matches("[0-9]{1,16}")) {
            return "bad t=";
        }
        String commonProblem = checkCommon(tags);
        if (commonProblem != null) {
            return commonProblem;
        }
        SigningAlgorithm algorithm = SigningAlgorithm.of(tags.get("a")).orElseThrow();
        boolean relaxedBody = modes.length == 2 && modes[1].equals("relaxed");
        String bodyHash = BodyHash.of(message, relaxedBody, null, algorithm, bodyHashes);
        if (!bodyHash.equals(tags.compact("bh"))) {
            return "body hash did not verify";
        }
        byte[] data = SignedHeaders.data(message, signedNames, field, modes[0].equals("relaxed"));
        return checkSignature(tags, algorithm, data);
    }

    /** An AS signs every ARC set up to its own, relaxed (RFC 8617 section 5.1.1). */
    private String verifySeal(Map<Integer, HeaderField> aars, Map<Integer, HeaderField> amss,
                              Map<Integer, HeaderField> seals, TagList tags, int instance) throws KeyUnavailable {
        String missing = missing(tags, "a", "b", "cv", "d", "s");
        if (missing != null) {
            return missing;
        }
        if (tags.has("h")) {
            return "h= is not allowed in an ARC-Seal";
        }
        if (tags.has("t") && !tags.get("t").matches("[0-9]{1,16}")) {
            return "bad t=";
        }
        String commonProblem = checkCommon(tags);
        if (commonProblem != null) {
            return commonProblem;
        }
        StringBuilder data = new StringBuilder();
        for (int i = 1; i <= instance; i++) {
            data.append(Canonicalization.header(aars.get(i).raw(), true));
            data.append(Canonicalization.header(amss.get(i).raw(), true));
            if (i < instance) {
                data.append(Canonicalization.header(seals.get(i).raw(), true));
            }
        }
        String self = Canonicalization.header(SignedHeaders.withoutSignatureValue(seals.get(instance).raw()), true);
        data.append(self, 0, self.length() - 2);
        SigningAlgorithm algorithm = SigningAlgorithm.of(tags.get("a")).orElseThrow();
        return checkSignature(tags, algorithm, data.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /** a= and d= rules both headers share; returns a problem or null. */
    private static String checkCommon(TagList tags) {
        Optional<SigningAlgorithm> algorithm = SigningAlgorithm.of(tags.get("a"));
        // Tag values are case-sensitive; rsa-sha1 is refused (RFC 8301).
        if (algorithm.isEmpty() || !algorithm.get().tag().equals(tags.get("a"))
            || algorithm.get() == SigningAlgorithm.RSA_SHA1) {
            return "unsupported a=" + tags.get("a");
        }
        if (!DOMAIN.matcher(tags.get("d")).matches()) {
            return "invalid d=" + tags.get("d");
        }
        return null;
    }

    private String checkSignature(TagList tags, SigningAlgorithm algorithm, byte[] data) throws KeyUnavailable {
        KeyLookup.Outcome lookup = keys.find(tags.get("s"), tags.get("d"));
        if (lookup.error() == AuthResult.TEMPERROR) {
            throw new KeyUnavailable(lookup.reason());
        }
        if (lookup.key() == null) {
            return lookup.reason();
        }
        DkimKey.Refusal refusal = lookup.key().refusal(algorithm);
        if (refusal != null) {
            return refusal.reason();
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(tags.compact("b"));
        } catch (IllegalArgumentException e) {
            return "b= is not base64";
        }
        return algorithm.verify(lookup.key().key(), data, signature) ? null : "signature did not verify";
    }

    private static String missing(TagList tags, String... required) {
        for (String tag : required) {
            if (!tags.has(tag) || tags.get(tag).isEmpty()) {
                return "missing " + tag + "=";
            }
        }
        return null;
    }

    private static boolean isMode(String mode) {
        return mode.equals("simple") || mode.equals("relaxed");
    }
}
