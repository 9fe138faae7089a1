package org.mailhook.reports;

/**
 * What reading a candidate part gave: a report, the reason a report could not be read ({@code error}), or
 * neither when the part turned out not to be a report at all (an ordinary zip or XML file).
 */
public record ReportResult(Report report, String error) {
    private static final ReportResult NONE = new ReportResult(null, null);

    public static ReportResult of(Report report) {
        return new ReportResult(report, null);
    }

    public static ReportResult invalid(String error) {
        return new ReportResult(null, error);
    }

    public static ReportResult none() {
        return NONE;
    }
}
