package org.mailhook.doctor;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import org.mailhook.doctor.DoctorDns.DnsFailure;

/**
 * The DKIM key records of the selectors the operator names (RFC 6376 3.6.1): one record, valid
 * tags, a key that is present (not revoked), readable and long enough.
 */
final class DkimCheck {
    static final int MIN_RSA_BITS = 1024;
    static final int GOOD_RSA_BITS = 2048;

    private final DoctorDns dns;

    DkimCheck(DoctorDns dns) {
        this.dns = dns;
    }

    List<Finding> check(String domain, List<String> selectors) {
        List<Finding> findings = new ArrayList<>();
        for (String selector : selectors) {
            findings.add(selector(selector + "._domainkey." + domain));
        }
        return findings;
    }

    private Finding selector(String name) {
        List<String> records;
        try {
            records = dns.txt(name);
        } catch (DnsFailure e) {
            return Finding.warn("dkim.key", name, "lookup failed: " + e.getMessage(), "make sure the zone answers TXT queries");
        }
        if (records.isEmpty()) {
            return Finding.fail("dkim.key", name, "no DKIM key record: signatures with this selector fail",
                "publish the selector's public key as TXT \"v=DKIM1; k=rsa; p=...\"");
        }
        if (records.size() > 1) {
            return Finding.fail("dkim.key", name, records.size() + " TXT records: verifiers may pick the wrong one",
                "keep exactly one key record per selector");
        }
        TagList tags = TagList.parse(records.get(0));
        List<String> problems = new ArrayList<>();
        tags.error().ifPresent(problems::add);
        tags.get("v").filter(v -> !v.equals("DKIM1")).ifPresent(v -> problems.add("v=" + v + " is not DKIM1"));
        if (tags.has("v") && !tags.firstTag().filter("v"::equals).isPresent()) {
            problems.add("v= must come first");
        }
        String keyType = tags.get("k").orElse("rsa").toLowerCase(Locale.ROOT);
        if (!keyType.equals("rsa") && !keyType.equals("ed25519")) {
            problems.add("k=" + keyType + " is neither rsa nor ed25519");
        }
        if (!tags.has("p")) {
            problems.add("p= is missing");
        }
        if (!problems.isEmpty()) {
            return Finding.fail("dkim.key", name, "invalid DKIM record: " + String.join("; ", problems),
                "publish \"v=DKIM1; k=rsa; p=BASE64-PUBLIC-KEY\" (RFC 6376 3.6.1)");
        }
        String p = tags.get("p").orElseThrow().replaceAll("\\s", "");
        if (p.isEmpty()) {
            return Finding.fail("dkim.key", name, "the key is revoked (empty p=)",
                "publish the current key for this selector, or stop signing with it");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(p);
        } catch (IllegalArgumentException e) {
            return Finding.fail("dkim.key", name, "p= is not base64", "copy the public key again from the signer's configuration");
        }
        boolean testing = tags.get("t").map(t -> List.of(t.split(":")).stream().map(String::strip).anyMatch("y"::equals)).orElse(false);
        Finding strength = keyType.equals("ed25519") ? ed25519(name, key) : rsa(name, key);
        if (testing && strength.status() == Finding.Status.PASS) {
            return Finding.warn("dkim.key", name, strength.message() + ", but t=y marks the domain as testing DKIM",
                "remove t=y once signing works, so verifiers treat failures as real");
        }
        return strength;
    }

    private static Finding ed25519(String name, byte[] key) {
        return key.length == 32 ? Finding.pass("dkim.key", name, "ed25519 key present")
            : Finding.fail("dkim.key", name, "ed25519 key has " + key.length + " bytes instead of 32",
                "publish the raw 32-byte ed25519 public key in base64 (RFC 8463)");
    }

    private static Finding rsa(String name, byte[] key) {
        int bits;
        try {
            bits = ((RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(key))).getModulus().bitLength();
        } catch (GeneralSecurityException | ClassCastException e) {
            return Finding.warn("dkim.key", name, "key present but not readable as an RSA SubjectPublicKeyInfo",
                "check the key with the signer's tools; publish it DER SubjectPublicKeyInfo in base64");
        }
        if (bits < MIN_RSA_BITS) {
            return Finding.fail("dkim.key", name, "RSA key of " + bits + " bits: verifiers ignore keys below " + MIN_RSA_BITS + " bits",
                "rotate to a 2048-bit RSA key under a new selector");
        }
        if (bits < GOOD_RSA_BITS) {
            return Finding.warn("dkim.key", name, "RSA key of " + bits + " bits is weak",
                "rotate to a 2048-bit RSA key under a new selector");
        }
        return Finding.pass("dkim.key", name, "RSA key of " + bits + " bits");
    }
}
