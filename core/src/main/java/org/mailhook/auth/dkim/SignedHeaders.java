package org.mailhook.auth.dkim;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.mailhook.auth.RawMessage;
import org.mailhook.auth.RawMessage.HeaderField;

/**
 * The data a DKIM-style signature covers (RFC 6376 section 3.7): the h= header fields, each name taking
 * the next instance from the bottom up, then the signature field itself with its b= value emptied and
 * no final CRLF. DKIM and ARC (AMS and AS) share it.
 */
public final class SignedHeaders {
    private SignedHeaders() {
    }

    public static byte[] data(List<HeaderField> headers, List<String> signedNames, HeaderField signature,
                              boolean relaxed) {
        StringBuilder data = new StringBuilder();
        Map<String, Integer> used = new HashMap<>();
        for (String name : signedNames) {
            String lower = name.strip().toLowerCase(Locale.ROOT);
            int skip = used.merge(lower, 1, Integer::sum);
            HeaderField field = nthFromBottom(headers, lower, skip, signature);
            if (field != null) {
                data.append(Canonicalization.header(field.raw(), relaxed));
            }
        }
        String self = Canonicalization.header(withoutSignatureValue(signature.raw()), relaxed);
        data.append(self, 0, self.length() - 2);
        return data.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Shorthand for a whole message. */
    public static byte[] data(RawMessage message, List<String> signedNames, HeaderField signature, boolean relaxed) {
        return data(message.headers(), signedNames, signature, relaxed);
    }

    private static HeaderField nthFromBottom(List<HeaderField> headers, String name, int n, HeaderField signature) {
        int seen = 0;
        for (int i = headers.size() - 1; i >= 0; i--) {
            HeaderField field = headers.get(i);
            // The signature being verified is never one of its own signed fields.
            if (field == signature || !field.name().toLowerCase(Locale.ROOT).equals(name)) {
                continue;
            }
            if (++seen == n) {
                return field;
            }
        }
        return null;
    }

    /** The field with the value of its b= tag removed, everything else (folding too) kept. */
    public static String withoutSignatureValue(String raw) {
        int colon = raw.indexOf(':');
        StringBuilder out = new StringBuilder(raw.substring(0, colon + 1));
        String value = raw.substring(colon + 1);
        boolean ending = value.endsWith("\r\n");
        if (ending) {
            value = value.substring(0, value.length() - 2);
        }
        String[] specs = value.split(";", -1);
        for (int i = 0; i < specs.length; i++) {
            String spec = specs[i];
            int equals = spec.indexOf('=');
            if (equals > 0 && spec.substring(0, equals).strip().equals("b")) {
                spec = spec.substring(0, equals + 1);
            }
            out.append(spec);
            if (i < specs.length - 1) {
                out.append(';');
            }
        }
        return out.append(ending ? "\r\n" : "").toString();
    }
}
