package org.mailhook.dns;

/** One MX answer: lower priority is preferred. */
public record MxRecord(int priority, String exchange) {
}
