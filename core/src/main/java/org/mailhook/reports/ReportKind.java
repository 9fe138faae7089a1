package org.mailhook.reports;

/** What a report reports, by its name in the document. */
public enum ReportKind {
    DMARC_AGGREGATE("dmarc-aggregate"),
    TLS_RPT("tls-rpt"),
    DMARC_FAILURE("dmarc-failure");

    private final String label;

    ReportKind(String label) {
        this.label = label;
    }

    /** The name in the document: {@code dmarc-aggregate}, {@code tls-rpt}, {@code dmarc-failure}. */
    public String label() {
        return label;
    }
}
