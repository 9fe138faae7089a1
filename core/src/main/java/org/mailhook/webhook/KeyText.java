package org.mailhook.webhook;

import java.util.Base64;
import java.util.Objects;

/** Decodes the Standard Webhooks key serialization: a type prefix ({@code whsec_}, {@code whsk_}, {@code whpk_}) and base64. */
final class KeyText {
    private KeyText() {
    }

    /**
     * @param prefixRequired whether the prefix must be there (the reference libraries accept bare {@code whsec_} keys)
     * @param secret whether error messages must keep quiet about the value
     */
    static byte[] decode(String text, String prefix, boolean prefixRequired, boolean secret, String what) {
        Objects.requireNonNull(text, what);
        String trimmed = text.trim();
        String note = secret ? " (the value is not shown)" : "";
        if (prefixRequired && !trimmed.startsWith(prefix)) {
            throw new IllegalArgumentException("a " + what + " must start with '" + prefix + "'" + note);
        }
        try {
            return Base64.getDecoder().decode(trimmed.startsWith(prefix) ? trimmed.substring(prefix.length()) : trimmed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a " + what + " must be '" + prefix + "' followed by base64" + note);
        }
    }
}
