package io.pilotd.director.report;

import java.util.Arrays;
import java.util.Optional;

/**
 * The SQL reports (DESIGN §9): each a view in {@code schema/migrations/R__report_*.sql}, which
 * documents it; a windowed one shows what happened since {@code report_since()}.
 */
public enum Report {
    PILOTS("pilots", "report_pilots", true,
            "pilots per site, CE, queue and status: all alive, and those that ended in the window"),
    SUBMISSIONS("submissions", "report_submissions", true,
            "per hour and queue: pilots submitted, and pilots ended Done, Failed, Aborted or Deleted"),
    FAILURES("failures", "report_failures", true,
            "pilots ended Failed or Aborted, per hour, queue and reason"),
    STUCK("stuck", "report_stuck", false,
            "live pilots in one status too long: not yet running past --stuck-after (or maxWaitingTime), running past maxLifetime"),
    DEMAND("demand", "report_demand", false,
            "per queue: waiting jobs, the pilots of any queue covering them, the pilots still needed, and its own"),
    CYCLES("cycles", "report_cycles", true,
            "per hour and queue: cycles, their duration (mean, p95, max), lag, pilots submitted, errors"),
    EFFICIENCY("efficiency", "report_efficiency", true,
            "per queue: pilots Done against Failed and Aborted, DIRAC's class (Good, Fair, Poor, Bad, Idle), empty pilots,"
                    + " jobs per pilot, pilot-hours"),
    COST("cost", "report_cost", true,
            "per queue and day: pilots, empty ones, pilot-hours, and at the queue's price what they cost, the empty ones apart");

    private final String reportName;
    private final String view;
    private final boolean windowed;
    private final String description;

    Report(String reportName, String view, boolean windowed, String description) {
        this.reportName = reportName;
        this.view = view;
        this.windowed = windowed;
        this.description = description;
    }

    public static Optional<Report> named(String name) {
        return Arrays.stream(values()).filter(r -> r.reportName.equals(name)).findFirst();
    }

    public String reportName() {
        return reportName;
    }

    public String view() {
        return view;
    }

    /** Whether it shows a time window ({@code --since}); the others show the present. */
    public boolean windowed() {
        return windowed;
    }

    public String description() {
        return description;
    }
}
