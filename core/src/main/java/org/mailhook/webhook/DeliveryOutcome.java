package org.mailhook.webhook;

/**
 * What one delivery attempt means for the mail. The HTTP status rules follow Standard Webhooks:
 * only 2xx is success, redirects are not followed, and 410 asks the sender to stop.
 */
public enum DeliveryOutcome {
    /** 2xx: done. */
    DELIVERED,
    /** 408, 425, 429, 5xx, timeouts and network errors: try again per the schedule. */
    RETRY,
    /** 3xx, other 4xx, or a request we refuse to make (SSRF guard): retrying cannot help; dead-letter it. */
    PERMANENT_FAILURE,
    /** 410: the receiver wants no more webhooks; dead-letter it and flag the endpoint. */
    GONE;

    public static DeliveryOutcome forStatus(int status) {
        if (status >= 200 && status <= 299) {
            return DELIVERED;
        }
        if (status == 410) {
            return GONE;
        }
        if (status == 408 || status == 425 || status == 429 || (status >= 500 && status <= 599)) {
            return RETRY;
        }
        return PERMANENT_FAILURE;
    }

    /** Whether the schedule should be consulted for another attempt. */
    public boolean retryable() {
        return this == RETRY;
    }
}
