package org.mailhook.reports;

/**
 * A report that cannot be read. {@code identified} says whether the content had already shown itself to
 * be a report (a {@code feedback} root, TLS report members) when it failed, so that an ordinary file that
 * merely looked like a candidate is not reported as a broken report.
 */
final class ReportException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean identified;

    ReportException(String message, boolean identified) {
        super(message);
        this.identified = identified;
    }

    boolean identified() {
        return identified;
    }
}
