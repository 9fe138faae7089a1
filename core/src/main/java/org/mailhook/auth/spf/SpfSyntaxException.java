package org.mailhook.auth.spf;

/** A record, macro or domain-spec that breaks RFC 7208 syntax: evaluation ends in permerror. */
final class SpfSyntaxException extends Exception {
    SpfSyntaxException(String message) {
        super(message);
    }
}
