package org.mailhook.doctor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.mailhook.auth.dkim.DkimKey;
import org.mailhook.auth.dkim.TagList;
import org.mailhook.doctor.DoctorDns.DnsFailure;

/**
 * The DKIM key records of the selectors the operator names (RFC 6376 3.6.1), read the way the
 * verifier reads them ({@link DkimKey}): one record, a key that is present (not revoked), readable
 * and long enough, and not marked as testing.
 */
final class DkimCheck {
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
        DkimKey.Parsed parsed = DkimKey.parse(records.get(0));
        if (parsed.key() == null) {
            if ("key revoked".equals(parsed.error())) {
                return Finding.fail("dkim.key", name, "the key is revoked (empty p=)",
                    "publish the current key for this selector, or stop signing with it");
            }
            return Finding.fail("dkim.key", name, "unusable DKIM record: " + parsed.error(),
                "publish \"v=DKIM1; k=rsa; p=BASE64-PUBLIC-KEY\" (RFC 6376 3.6.1) or k=ed25519 with the raw key (RFC 8463)");
        }
        Finding strength = strength(name, parsed.key());
        boolean testing = TagList.parse(records.get(0)).map(tags -> tags.getOrDefault("t", ""))
            .map(flags -> Arrays.stream(flags.split(":")).map(String::strip).anyMatch("y"::equals)).orElse(false);
        if (testing && strength.status() == Finding.Status.PASS) {
            return Finding.warn("dkim.key", name, strength.message() + ", but t=y marks the domain as testing DKIM",
                "remove t=y once signing works, so verifiers treat failures as real");
        }
        return strength;
    }

    private static Finding strength(String name, DkimKey key) {
        if (!key.keyType().equals("rsa")) {
            return Finding.pass("dkim.key", name, key.keyType() + " key present");
        }
        int bits = key.rsaBits();
        if (bits < DkimKey.MINIMUM_RSA_BITS) {
            return Finding.fail("dkim.key", name, "RSA key of " + bits + " bits: verifiers ignore keys below "
                    + DkimKey.MINIMUM_RSA_BITS + " bits (RFC 8301)",
                "rotate to a 2048-bit RSA key under a new selector");
        }
        if (bits < GOOD_RSA_BITS) {
            return Finding.warn("dkim.key", name, "RSA key of " + bits + " bits is weak",
                "rotate to a 2048-bit RSA key under a new selector");
        }
        return Finding.pass("dkim.key", name, "RSA key of " + bits + " bits");
    }
}
