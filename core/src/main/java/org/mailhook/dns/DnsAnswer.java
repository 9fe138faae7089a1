package org.mailhook.dns;

import java.util.List;

/**
 * The outcome of one DNS query. Authentication needs three cases apart: records found, a definite
 * "nothing there" (NXDOMAIN or no data, which SPF counts as a void lookup and DKIM as a missing key),
 * and a temporary failure (timeout, SERVFAIL), which must become temperror and never an exception.
 */
public record DnsAnswer<T>(Status status, List<T> records) {

    public enum Status { FOUND, NOT_FOUND, TEMP_FAILURE }

    public DnsAnswer {
        records = List.copyOf(records);
    }

    public static <T> DnsAnswer<T> found(List<T> records) {
        return records.isEmpty() ? notFound() : new DnsAnswer<>(Status.FOUND, records);
    }

    public static <T> DnsAnswer<T> notFound() {
        return new DnsAnswer<>(Status.NOT_FOUND, List.of());
    }

    public static <T> DnsAnswer<T> tempFailure() {
        return new DnsAnswer<>(Status.TEMP_FAILURE, List.of());
    }

    public boolean isTempFailure() {
        return status == Status.TEMP_FAILURE;
    }

    public boolean isFound() {
        return status == Status.FOUND;
    }
}
