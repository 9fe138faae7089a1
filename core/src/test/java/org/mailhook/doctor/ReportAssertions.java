package org.mailhook.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

final class ReportAssertions {
    private ReportAssertions() {
    }

    /** The single finding with this id; the whole report is shown when there is not exactly one. */
    static Finding only(Report report, String id) {
        List<Finding> found = report.findings(id);
        assertThat(found).as("findings with id %s in\n%s", id, report.toText()).hasSize(1);
        return found.get(0);
    }
}
