package io.pilotd.director.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.config.Price;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.store.Database;
import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.SeededPilots;
import io.pilotd.director.testing.TestDatabases;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every report on a seeded database: known pilots and cycles in, known rows out. */
class ReportsTest {
    private static final Duration MIN = Duration.ofMinutes(1);
    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration DAY = Duration.ofDays(1);

    private Database db;
    private SeededPilots pilots;
    private ReportQuery reports;

    @BeforeEach
    void setUp() {
        db = TestDatabases.fresh();
        Queues.sync(db, Queues.queue("a", 100, 100, 10), Queues.queue("b", 100, 100, 10));
        pilots = new SeededPilots(db);
        reports = new ReportQuery(db.jdbi());
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private ReportTable read(Report report) {
        return reports.read(report, null, null, null);
    }

    /** The rows as maps of column to value, for the assertions to name columns. */
    private static List<Map<String, Object>> rows(ReportTable table) {
        return table.rows().stream().map(r -> {
            Map<String, Object> row = new java.util.LinkedHashMap<>();
            for (int i = 0; i < r.size(); i++) {
                row.put(table.columns().get(i), r.get(i));
            }
            return row;
        }).toList();
    }

    private static Map<String, Object> counts(ReportTable table, String key, String value) {
        return rows(table).stream().collect(Collectors.toMap(r -> String.valueOf(r.get(key)), r -> r.get(value)));
    }

    @Test
    void pilotsCountsEveryLivePilotAndTheEndedOnesOfTheWindowPerStatus() {
        pilots.add(3, "a", HOUR, MIN, "", "Submitted", "Running");
        pilots.add(2, "a", HOUR, MIN, "", "Submitted", "Waiting");
        pilots.add(1, "a", HOUR.multipliedBy(3), HOUR.multipliedBy(2), "", "Submitted", "Running", "Done");
        pilots.add(4, "a", DAY.multipliedBy(4), DAY.multipliedBy(3), "", "Submitted", "Running", "Done");
        pilots.add(5, "b", MIN, MIN, "", "Submitted");

        ReportTable a = reports.read(Report.PILOTS, null, null, "a");
        assertThat(a.columns()).containsExactly("site", "ce", "queue", "status", "pilots", "last_change");
        assertThat(counts(a, "status", "pilots")).isEqualTo(Map.of("Running", 3, "Waiting", 2, "Done", 1));
        assertThat(a.column("site")).containsOnly("SITE.a.de");
        assertThat(a.column("ce")).containsOnly("ce.a");

        ReportTable week = reports.read(Report.PILOTS, Duration.ofDays(7), null, "a");
        assertThat(counts(week, "status", "pilots")).containsEntry("Done", 5);

        assertThat(rows(read(Report.PILOTS))).filteredOn(r -> r.get("queue").equals("b"))
                .extracting(r -> r.get("status") + ":" + r.get("pilots")).containsExactly("Submitted:5");
    }

    @Test
    void submissionsCountEachHoursPilotsSubmittedAndEndedByStatus() {
        pilots.add(4, "a", Duration.ofMinutes(150), Duration.ofMinutes(150), "", "Submitted");
        pilots.add(2, "a", Duration.ofMinutes(150), Duration.ofMinutes(30), "image gone", "Submitted", "Failed");
        pilots.add(1, "a", Duration.ofMinutes(150), Duration.ofMinutes(30), "quota", "Aborted");
        pilots.add(3, "a", Duration.ofMinutes(30), Duration.ofMinutes(30), "", "Submitted", "Running", "Done");
        pilots.add(9, "a", DAY.multipliedBy(2), DAY.multipliedBy(2), "", "Submitted");

        List<Map<String, Object>> rows = rows(reports.read(Report.SUBMISSIONS, null, null, "a"));
        assertThat(rows).hasSize(2);
        assertThat((Instant) rows.get(1).get("hour")).isEqualTo(((Instant) rows.get(0).get("hour")).plus(Duration.ofHours(2)));
        assertThat(rows.get(0)).containsEntry("submitted", 7)
                .containsEntry("failed", 0).containsEntry("aborted", 0);
        assertThat(rows.get(1)).containsEntry("submitted", 3).containsEntry("done", 3)
                .containsEntry("failed", 2).containsEntry("aborted", 1).containsEntry("deleted", 0);
    }

    @Test
    void failuresGroupTheEndedFailedAndAbortedPilotsByReason() {
        pilots.add(3, "a", HOUR, MIN, "image ami-1 not found", "Submitted", "Failed");
        pilots.add(1, "a", HOUR, MIN, "quota exceeded", "Aborted");
        pilots.add(2, "b", HOUR, MIN, "quota exceeded", "Aborted");
        pilots.add(5, "a", HOUR, MIN, "", "Submitted", "Running", "Done");
        pilots.add(7, "a", DAY.multipliedBy(3), DAY.multipliedBy(2), "old failure", "Submitted", "Failed");

        List<Map<String, Object>> a = rows(reports.read(Report.FAILURES, null, null, "a"));
        assertThat(a).extracting(r -> r.get("status") + ":" + r.get("reason") + ":" + r.get("pilots"))
                .containsExactlyInAnyOrder("Failed:image ami-1 not found:3", "Aborted:quota exceeded:1");
        assertThat(rows(reports.read(Report.FAILURES, Duration.ofDays(7), null, null)))
                .extracting(r -> r.get("queue") + ":" + r.get("reason") + ":" + r.get("pilots"))
                .containsExactlyInAnyOrder("a:image ami-1 not found:3", "a:quota exceeded:1", "b:quota exceeded:2",
                        "a:old failure:7");
    }

    @Test
    void stuckListsPilotsWaitingPastTheThresholdOrTheirQueuesLimitAndRunningPastTheirLifetime() {
        pilots.add(1, "a", HOUR.multipliedBy(2), Duration.ofMinutes(90), "", "Submitted", "Scheduled");
        pilots.add(1, "a", HOUR, Duration.ofMinutes(10), "", "Submitted", "Waiting");
        pilots.add(1, "a", DAY.multipliedBy(3), DAY.multipliedBy(3), "", "Submitted", "Running");
        pilots.add(1, "a", HOUR, Duration.ofMinutes(50), "", "Submitted", "Running");
        pilots.add(1, "a", DAY.multipliedBy(3), DAY.multipliedBy(3), "", "Submitted", "Failed");

        ReportTable stuck = read(Report.STUCK);
        assertThat(counts(stuck, "status", "stuck_after"))
                .isEqualTo(Map.of("Scheduled", HOUR, "Running", Duration.ofHours(48)));

        // A shorter threshold takes the 50-minute Waiting one too; the queue's maxWaitingTime
        // (1 h) caps a longer one.
        assertThat(reports.read(Report.STUCK, null, Duration.ofMinutes(5), null).column("status"))
                .containsExactlyInAnyOrder("Scheduled", "Waiting", "Running");
        assertThat(reports.read(Report.STUCK, null, Duration.ofHours(5), null).column("status"))
                .containsExactlyInAnyOrder("Scheduled", "Running");
        assertThat((Duration) stuck.column("in_status").get(0)).isGreaterThanOrEqualTo(DAY.multipliedBy(3));
    }

    @Test
    void demandSetsTheJobsTheyCallForBesideEachQueuesPilots() {
        Queues.demand(db, "a", 7);
        pilots.add(2, "a", MIN, MIN, "", "Submitted");
        pilots.add(4, "a", MIN, MIN, "", "Submitted", "Running");

        Map<String, Object> a = rows(reports.read(Report.DEMAND, null, null, "a")).get(0);
        assertThat(a).containsEntry("waiting_jobs", 7).containsEntry("covering_pilots", 2).containsEntry("demand", 5)
                .containsEntry("waiting", 2).containsEntry("running", 4).containsEntry("alive", 6)
                .containsEntry("max_waiting", 100).containsEntry("backoff_until", null);
        assertThat(counts(read(Report.DEMAND), "queue", "demand")).isEqualTo(Map.of("a", 5, "b", 0));
    }

    @Test
    void cyclesSumUpEachHoursDurationsLagSubmissionsAndErrors() {
        Instant hour = Instant.now().minus(Duration.ofMinutes(90)).truncatedTo(ChronoUnit.HOURS);
        for (int i = 1; i <= 20; i++) {
            cycle("a", hour.plusSeconds(60L * i), Duration.ofMillis(100L * i), 10L * i, i % 5 == 0 ? "status: HTTP 503 #" + i : "");
        }
        cycle("a", Instant.now().minus(Duration.ofDays(2)), Duration.ofSeconds(99), 0, "too old");

        Map<String, Object> row = rows(reports.read(Report.CYCLES, null, null, "a")).get(0);
        assertThat(row).containsEntry("hour", hour).containsEntry("cycles", 20).containsEntry("mean_ms", 1050L)
                .containsEntry("p95_ms", 1905L).containsEntry("max_ms", 2000L).containsEntry("max_lag_ms", 200L)
                .containsEntry("submitted", 20).containsEntry("cycles_with_errors", 4)
                .containsEntry("last_error", "status: HTTP 503 #20");
        assertThat(reports.read(Report.CYCLES, Duration.ofDays(3), null, "a").rows()).hasSize(2);
    }

    private void cycle(String queue, Instant start, Duration took, long lagMillis, String errors) {
        db.jdbi().useHandle(h -> h.createUpdate("""
                        insert into director_cycle (queue, director_id, started_at, ended_at, demand, waiting, alive,
                                                    submitted, deciding_factor, errors, lag_ms)
                        values (:queue, 'test', :start, :end, 0, 0, 0, 1, 'demand', :errors, :lag)""")
                .bind("queue", queue).bind("start", start).bind("end", start.plus(took)).bind("errors", errors)
                .bind("lag", lagMillis).execute());
    }

    @Test
    void efficiencyIsTheShareDoneClassedAsDiracDoes() {
        Queues.sync(db, Queues.queue("good", 1, 1, 1), Queues.queue("fair", 1, 1, 1), Queues.queue("poor", 1, 1, 1),
                Queues.queue("bad", 1, 1, 1), Queues.queue("idle", 1, 1, 1));
        // DIRAC classes a queue only past 100 ended pilots
        ended("good", 190, 10, 0);
        ended("fair", 140, 40, 20);
        ended("poor", 60, 140, 0);
        ended("bad", 40, 80, 80);
        ended("idle", 100, 0, 0);
        pilots.add(50, "good", MIN, MIN, "", "Submitted", "Deleted");

        ReportTable table = read(Report.EFFICIENCY);
        assertThat(counts(table, "queue", "class"))
                .isEqualTo(Map.of("good", "Good", "fair", "Fair", "poor", "Poor", "bad", "Bad", "idle", "Idle"));
        assertThat(counts(table, "queue", "efficiency")).containsEntry("good", new BigDecimal("95.0"))
                .containsEntry("fair", new BigDecimal("70.0")).containsEntry("bad", new BigDecimal("20.0"));
        assertThat(counts(table, "queue", "ended")).containsEntry("good", 200).containsEntry("idle", 100);
    }

    @Test
    void efficiencyAndCostSayWhatThePilotsDidAndWhatTheyCost_theEmptyOnesApart() {
        QueueConfig priced = Queues.queue("priced", 10, 10, 10);
        Queues.sync(db, new QueueConfig(priced.name(), priced.site(), priced.ce(), priced.queue(), priced.driver(), true,
                priced.cycle(), null, priced.limits(), priced.matching(), Map.of(), null, null, new Price(0.5, null)),
                Queues.queue("unpriced", 10, 10, 10));
        // six ran for 2 h each, four of them took two jobs, two none; four never ran (0.5 h each)
        pilots.add(6, "priced", Duration.ofHours(3), HOUR, "", "Submitted", "Running", "Done");
        pilots.add(4, "priced", HOUR, Duration.ofMinutes(30), "refused", "Aborted");
        pilots.add(3, "unpriced", Duration.ofHours(2), HOUR, "", "Submitted", "Running", "Done");
        db.jdbi().useHandle(h -> h.execute("""
                update pilot set jobs = 2 where id in (select id from pilot where queue = 'priced' and started_at is not null
                                                       order by id limit 4)"""));

        Map<String, Object> efficiency = rows(read(Report.EFFICIENCY)).stream().filter(r -> "priced".equals(r.get("queue")))
                .findFirst().orElseThrow();
        assertThat(efficiency).containsEntry("ended", 10).containsEntry("efficiency", new BigDecimal("60.0"))
                .containsEntry("empty", 2).containsEntry("jobs", 8).containsEntry("jobs_per_pilot", new BigDecimal("1.33"))
                .containsEntry("pilot_hours", new BigDecimal("14.0"));

        // summed over the days the pilots ended on (the seeds may straddle midnight)
        Map<String, BigDecimal[]> cost = new TreeMap<>();
        for (Map<String, Object> row : rows(read(Report.COST))) {
            BigDecimal[] sums = cost.computeIfAbsent((String) row.get("queue"), q -> new BigDecimal[] {BigDecimal.ZERO,
                BigDecimal.ZERO, BigDecimal.ZERO});
            sums[0] = sums[0].add((BigDecimal) row.get("pilot_hours"));
            sums[1] = row.get("cost") == null ? null : sums[1].add((BigDecimal) row.get("cost"));
            sums[2] = row.get("empty_cost") == null ? null : sums[2].add((BigDecimal) row.get("empty_cost"));
        }
        assertThat(cost.get("priced")).containsExactly(new BigDecimal("14.0"), new BigDecimal("7.00"), new BigDecimal("2.00"));
        assertThat(cost.get("unpriced")).as("hours, and no cost without a price")
                .containsExactly(new BigDecimal("3.0"), null, null);
        assertThat(rows(read(Report.COST))).filteredOn(r -> "priced".equals(r.get("queue")) && r.get("pilots").equals(10))
                .allSatisfy(r -> assertThat(r.get("empty_share")).isEqualTo(new BigDecimal("28.6")));
    }

    private void ended(String queue, int done, int failed, int aborted) {
        pilots.add(done, queue, HOUR, MIN, "", "Submitted", "Running", "Done");
        pilots.add(failed, queue, HOUR, MIN, "exit 1", "Submitted", "Failed");
        pilots.add(aborted, queue, HOUR, MIN, "refused", "Aborted");
    }
}
