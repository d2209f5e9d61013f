package io.pilotd.director.monitor;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import io.pilotd.director.report.Report;
import io.pilotd.director.report.ReportQuery;
import io.pilotd.director.report.ReportTable;
import io.pilotd.director.store.ClusterDuties;
import io.pilotd.director.store.PilotStore;
import io.pilotd.director.store.QueueState;
import io.pilotd.director.store.StatusStore;
import io.pilotd.driver.api.Durations;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Jdbi;

/**
 * The read-only status page: queues with their demand beside their supply, pilots by status,
 * and recent failures with their reasons. The same numbers as {@code pilotd queues} and the
 * reports, read when the page is asked for; no script.
 */
final class StatusPage {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("MM-dd HH:00").withZone(ZoneOffset.UTC);
    private static final int FAILURES_SHOWN = 20;
    private static final Mustache TEMPLATE = new DefaultMustacheFactory("io/pilotd/director/monitor")
            .compile("status-page.html.mustache");

    record QueueView(String name, String site, String driver, boolean enabled, Object waitingJobs, Object demand,
                     int waiting, int maxWaiting, int running, int alive, int maxRunning, String decidedBy,
                     String lastCycle, String backoff, String error, String rowClass) {
    }

    record StatusCount(String status, int count) {
    }

    record FailureView(String hour, String queue, String status, Object pilots, String reason) {
    }

    record DutyView(String duty, String director, String since) {
    }

    /** What a queue's pilots did in the last 24 hours; "–" where not known (no job counts, no price). */
    record WorkView(String queue, int ended, int empty, Object jobsPerPilot, Object pilotHours, Object cost, Object emptyCost) {
    }

    record Model(String director, String generatedAt, boolean databaseUp, String database, boolean healthy,
                 List<QueueView> queues, List<StatusCount> pilots, List<WorkView> work, List<FailureView> failures,
                 List<DutyView> duties) {
    }

    private final String directorId;
    private final Jdbi jdbi;
    private final StatusStore store;
    private final ReportQuery reports;
    private final Health health;
    private final Clock clock;

    StatusPage(String directorId, Jdbi jdbi, Health health, Clock clock) {
        this.directorId = directorId;
        this.jdbi = jdbi;
        this.store = new StatusStore(jdbi);
        this.reports = new ReportQuery(jdbi);
        this.health = health;
        this.clock = clock;
    }

    String render() {
        StringWriter out = new StringWriter();
        TEMPLATE.execute(out, model());
        return out.toString();
    }

    Model model() {
        Instant now = clock.instant();
        List<QueueState> states;
        try {
            states = store.queues();
        } catch (RuntimeException e) {
            return new Model(directorId, TIME.format(now), false, "unreachable: " + e.getMessage(), false, List.of(),
                    List.of(), List.of(), List.of(), List.of());
        }
        Health.Verdict verdict = health.judge(states);
        Map<String, PilotStore.Unresolved> unresolved = new PilotStore(jdbi).unresolved();
        List<QueueView> queues = new ArrayList<>();
        for (QueueState q : states) {
            Health.QueueHealth h = verdict.queues().get(q.name());
            queues.add(view(q, h != null && h.stale(), unresolved.get(q.name()), now));
        }
        return new Model(directorId, TIME.format(now), true, verdict.database(), verdict.healthy(), queues, pilots(), work(),
                failures(), duties());
    }

    private List<WorkView> work() {
        return store.work().stream().map(w -> new WorkView(w.queue(), w.ended(), w.empty(), known(w.jobsPerPilot()),
                known(w.pilotHours()), known(w.cost()), known(w.emptyCost()))).toList();
    }

    private static Object known(Object value) {
        return value == null ? "–" : value;
    }

    /** The work done once for the cluster, and which director does it. */
    private List<DutyView> duties() {
        return ClusterDuties.holders(jdbi).stream()
                .map(h -> new DutyView(h.duty(), h.directorId(), TIME.format(h.since()))).toList();
    }

    private static QueueView view(QueueState q, boolean stale, PilotStore.Unresolved unresolved, Instant now) {
        boolean cycled = q.lastCycleStarted() != null;
        String rowClass = stale ? "stale" : q.backoffUntil() != null ? "backoff" : q.enabled() ? "" : "disabled";
        String lastCycle = cycled ? ago(Duration.between(q.lastCycleEnded(), now)) : "not yet";
        String backoff = q.backoffUntil() == null ? "" : q.backoffReason() + " until " + TIME.format(q.backoffUntil());
        if (unresolved != null) {
            backoff = (backoff.isEmpty() ? "" : backoff + "; ") + unresolved.pilots() + " unresolved since "
                    + TIME.format(unresolved.since())
                    + (unresolved.until() == null ? "" : ", held until " + TIME.format(unresolved.until()));
        }
        String error = q.lastError() != null ? q.lastError() : cycled && !q.lastCycleErrors().isEmpty() ? q.lastCycleErrors() : "";
        return new QueueView(q.name(), q.site(), q.driver(), q.enabled(), cycled ? q.waitingJobs() : "–",
                cycled ? q.demand() : "–", q.pilots().waiting(), q.maxWaiting(), q.pilots().running(), q.pilots().alive(),
                q.maxRunning(), cycled ? q.decidedBy() : "", lastCycle, backoff, error, rowClass);
    }

    private static String ago(Duration age) {
        return Durations.format(Duration.ofSeconds(Math.max(0, age.toSeconds()))) + " ago";
    }

    /** Every status over all queues: the live pilots, and those ended in the report's window (24 h). */
    private List<StatusCount> pilots() {
        ReportTable table = reports.read(Report.PILOTS, null, null, null);
        Map<String, Integer> byStatus = new TreeMap<>();
        List<Object> statuses = table.column("status");
        List<Object> counts = table.column("pilots");
        for (int i = 0; i < statuses.size(); i++) {
            byStatus.merge((String) statuses.get(i), (Integer) counts.get(i), Integer::sum);
        }
        return byStatus.entrySet().stream().map(e -> new StatusCount(e.getKey(), e.getValue())).toList();
    }

    private List<FailureView> failures() {
        ReportTable table = reports.read(Report.FAILURES, null, null, null);
        List<Object> hours = table.column("hour");
        List<Object> queues = table.column("queue");
        List<Object> statuses = table.column("status");
        List<Object> reasons = table.column("reason");
        List<Object> pilots = table.column("pilots");
        List<Integer> newestFirst = new ArrayList<>();
        for (int i = 0; i < hours.size(); i++) {
            newestFirst.add(i);
        }
        // the view lists hours oldest first, and within an hour most pilots first: a stable sort keeps that
        newestFirst.sort(Comparator.comparing((Integer i) -> (Instant) hours.get(i)).reversed());
        return newestFirst.stream().limit(FAILURES_SHOWN)
                .map(i -> new FailureView(HOUR.format((Instant) hours.get(i)), (String) queues.get(i),
                        (String) statuses.get(i), pilots.get(i), (String) reasons.get(i)))
                .toList();
    }
}
