package io.pilotd.bench;

import io.pilotd.director.config.DatabaseSettings;
import io.pilotd.director.config.DirectorSettings;
import io.pilotd.director.config.Matching;
import io.pilotd.director.config.PilotdConfig;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.config.QueueLimits;
import io.pilotd.director.config.SiteConfig;
import io.pilotd.director.daemon.Director;
import io.pilotd.director.daemon.QueueShards;
import io.pilotd.director.driver.DriverCatalog;
import io.pilotd.director.store.ConfigMirror;
import io.pilotd.director.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.jdbi.v3.core.generic.GenericType;

/**
 * Whole-director rounds: {@code bin/pilotd run}'s director (Quartz, the lanes, the cycle, the
 * database) on 1,000 queues of 100 sites, on the simulated cloud, every queue due at once. Round 1
 * (the start-up's, fired by Quartz) starts 100 pilots per queue, round 2 sees them run, round 3 is
 * idle beside 100,000 live pilots, round 4 starts 100 more per queue. A round's time runs from the
 * hand-over of its cycles to the end of its last. With 10 % of the queues behind a slow cloud, the
 * rounds of the other 90 % are measured beside those of a run where all are quick.
 */
final class RoundFigures {
    private static final int SITES = 100;
    private static final int QUEUES_PER_SITE = 10;
    private static final int PILOTS = 100;
    private static final int THREADS = 4;
    /** Longer than the run: after the start-up round, the bench hands the rounds over itself. */
    private static final Duration PERIOD = Duration.ofHours(1);
    private static final String DIRECTOR = "bench-rounds";

    private final BenchDatabase bench;
    private final Database db;

    RoundFigures(BenchDatabase bench) {
        this.bench = bench;
        this.db = bench.database();
    }

    /**
     * What one run measured, of the queues on a quick cloud: the idle round (3), the submitting one
     * (4; not run beside slow queues) beside raw PostgreSQL writing its rows (the director idle),
     * their mean cycle, Quartz's statements per cycle of the
     * start-up round, and per cycle of round 3 pilotd's statements and the status calls.
     */
    private record Run(double idleSeconds, double submittingSeconds, double rawSeconds, double cycleMillis,
                       double quartzPerCycle, double pilotdPerCycle, double statusCallsPer100) {
    }

    List<Figure> figures() throws Exception {
        Run plain = run(false, 0);
        Run capped = run(true, 0);
        Run slow = run(false, 10);
        List<Figure> figures = new ArrayList<>();
        String scale = String.format("%,d queues × %d live pilots", SITES * QUEUES_PER_SITE, PILOTS);
        figures.add(new Figure("full round, idle, " + scale, seconds(plain.idleSeconds()), "",
                "≤ 5 s", plain.idleSeconds() <= 5));
        figures.add(new Figure("full round, each queue submitting 100, " + scale, seconds(plain.submittingSeconds()),
                "raw PostgreSQL, the same 100,000 rows, 2 statements: " + seconds(plain.rawSeconds()),
                "≤ 5 s", plain.submittingSeconds() <= 5));
        figures.add(new Figure("full round with every site capped: idle / submitting",
                seconds(capped.idleSeconds()) + " / " + seconds(capped.submittingSeconds()),
                "uncapped: " + seconds(plain.idleSeconds()) + " / " + seconds(plain.submittingSeconds()),
                "≤ 1.5× uncapped", capped.idleSeconds() <= 1.5 * plain.idleSeconds()
                        && capped.submittingSeconds() <= 1.5 * plain.submittingSeconds()));
        figures.add(new Figure("Quartz's statements per queue-cycle (start-up round)",
                String.format("%.2f", plain.quartzPerCycle()),
                String.format("pilotd's own, idle round: %.1f", plain.pilotdPerCycle()), "measured", true));
        figures.add(new Figure("status calls per 100 live pilots (simulated cloud, idle round)",
                String.format("%.2f", plain.statusCallsPer100()), "per pilot: 100", "≤ 1", plain.statusCallsPer100() <= 1));
        double ratio = slow.idleSeconds() / plain.idleSeconds();
        figures.add(new Figure("10 % of queues behind a 5 s cloud: the other 90 %'s idle round",
                String.format("%s (cycles %.0f ms)", seconds(slow.idleSeconds()), slow.cycleMillis()),
                String.format("all quick: %s (cycles %.0f ms)", seconds(plain.idleSeconds()), plain.cycleMillis()),
                "ratio ≤ 1.2", ratio <= 1.2));
        return figures;
    }

    /**
     * @param slowPercent the share of queues whose cloud answers in 5 s
     */
    private Run run(boolean capped, int slowPercent) throws Exception {
        bench.clear();
        SimulatedCloud.reset();
        PilotdConfig config = config(capped, slowPercent);
        Set<String> slowQueues = new HashSet<>();
        config.queues().stream().filter(q -> !q.parameters().isEmpty()).forEach(q -> slowQueues.add(q.name()));
        Scenery scenery = new Scenery(db);
        config.sites().keySet().forEach(site -> scenery.waitingJobsAt(site, QUEUES_PER_SITE * PILOTS));
        Path dataDir = Files.createTempDirectory("pilotd-bench");
        if (!slowQueues.isEmpty()) {
            // as left by an earlier run of the director: their last cycles were slow
            ConfigMirror.sync(db.jdbi(), config);
            db.jdbi().useHandle(h -> h.createUpdate("""
                            insert into director_cycle (queue, director_id, started_at, ended_at, demand, waiting, alive,
                                                        submitted, deciding_factor)
                            select q, :director, now() - interval '1 minute', now() - interval '50 seconds', 0, 0, 0, 0, 'demand'
                            from unnest(cast(:queues as text[])) q""")
                    .bind("director", DIRECTOR).bind("queues", slowQueues.toArray(String[]::new)).execute());
        }
        System.out.printf("rounds: %s sites, %d%% of queues behind a 5 s cloud ...%n", capped ? "capped" : "uncapped",
                slowPercent);
        try (Director director = Director.start(config, db, DriverCatalog.load(), dataDir)) {
            // Round 1 is the start-up's, fired by Quartz; rounds 2 to 4 are handed to the director as
            // Quartz hands a trigger's queues, all at once. The queues behind the slow cloud cycle
            // on their own lane at their own pace: not awaited.
            bench.resetStatements();
            awaitRound(1, slowQueues);
            double quartz = (double) statementsBySource().getOrDefault("quartz", 0L) / config.queues().size();
            SimulatedCloud.startWaitingPilots();
            scenery.matchWaitingJobs();
            round(director, config, 2, slowQueues);
            bench.resetStatements();
            long statusCalls = SimulatedCloud.statusCalls();
            double idle = round(director, config, 3, slowQueues);
            long statusCallsIdle = SimulatedCloud.statusCalls() - statusCalls;
            int quick = config.queues().size() - slowQueues.size();
            double pilotd = (double) statementsBySource().getOrDefault("pilotd", 0L) / quick;
            printTopStatements();
            double submitting = 0;
            double raw = 0;
            if (slowPercent == 0) {
                config.sites().keySet().forEach(site -> scenery.waitingJobsAt(site, QUEUES_PER_SITE * PILOTS));
                submitting = round(director, config, 4, slowQueues);
                raw = rawRecordingSeconds();
            }
            Run run = new Run(idle, submitting, raw, meanCycleMillis(3, slowQueues), quartz, pilotd,
                    statusCallsIdle / (quick * PILOTS / 100.0));
            System.out.printf("  %s%n", run);
            return run;
        } finally {
            try (var files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private PilotdConfig config(boolean capped, int slowPercent) {
        Map<String, SiteConfig> sites = new LinkedHashMap<>();
        List<QueueConfig> queues = new ArrayList<>();
        int everySlow = slowPercent == 0 ? 0 : 100 / slowPercent;
        for (int s = 0; s < SITES; s++) {
            String site = "BENCH.site" + s + ".org";
            // caps that bind nothing here: what is measured is what a capped decision costs
            sites.put(site, capped ? new SiteConfig(1_000_000, 1_000_000, 10_000_000) : SiteConfig.uncapped());
            for (int q = 0; q < QUEUES_PER_SITE; q++) {
                int n = s * QUEUES_PER_SITE + q;
                Map<String, Object> parameters = everySlow > 0 && n % everySlow == 0 ? Map.of("latency", "5s") : Map.of();
                queues.add(new QueueConfig("s" + s + "q" + q, site, "ce.s" + s, "default", "simulated", true, PERIOD, null,
                        new QueueLimits(1_000_000, 1_000_000, PILOTS, Duration.ofHours(24), null, 0, null),
                        new Matching(Scenery.VO, null, null, null, null, 1, null, null), parameters));
            }
        }
        return new PilotdConfig(new DirectorSettings(DIRECTOR, null, null, null, false, THREADS, Duration.ofMinutes(1),
                1_000_000, null, null), new DatabaseSettings(null, null, null, null, 16), null, null, sites, queues);
    }

    /**
     * Hands every queue's cycle over at once and waits for round {@code n} to end.
     *
     * @return seconds from the hand-over to the last cycle's end, those in {@code except} aside
     */
    private double round(Director director, PilotdConfig config, int n, Set<String> except) throws InterruptedException {
        Instant start = Instant.now();
        // in the order the daemon's triggers hand them over
        QueueShards.of(config.queues()).forEach(shard -> shard.queues().forEach(q -> director.handOver(q, start)));
        awaitRound(n, except);
        Instant end = db.jdbi().withHandle(h -> h.createQuery("""
                        /* bench */ select max(ended_at) from director_cycle where queue <> all(:except)""")
                .bind("except", except.toArray(String[]::new)).mapTo(Instant.class).one());
        return Duration.between(start, end).toMillis() / 1000.0;
    }

    /** Where the database's time went in the round. */
    private void printTopStatements() {
        db.jdbi().useHandle(h -> h.createQuery("""
                        select calls, round(total_exec_time) as total_ms, round(mean_exec_time::numeric, 3) as mean_ms,
                               left(regexp_replace(query, '\\s+', ' ', 'g'), 110) as query
                        from pg_stat_statements
                        where query not like '%pg_stat_statements%' and query not like '%/* bench */%'
                        order by total_exec_time desc limit 6""")
                .mapToMap().forEach(row -> System.out.printf("    %6s calls %7s ms (%s ms each) %s%n", row.get("calls"),
                        row.get("total_ms"), row.get("mean_ms"), row.get("query"))));
    }

    /**
     * Seconds raw PostgreSQL takes to write what a submitting round writes (a Submitting row per
     * pilot, then its jobRef), beside the same live pilots, in two set-based statements; then
     * the rows are deleted.
     */
    private double rawRecordingSeconds() {
        long start = System.nanoTime();
        db.jdbi().useTransaction(h -> {
            h.execute("""
                    insert into pilot (stamp, queue, site, ce, driver, batch_id, director_id, status, driver_setup_id)
                    select md5('raw/' || name || '/' || i), name, site, ce, driver, 'raw', 'bench', 'Submitting', driver_setup_id
                    from queue, generate_series(1, %d) i where configured""".formatted(PILOTS));
            h.execute("update pilot set job_ref = 'raw://' || stamp, status = 'Submitted' where batch_id = 'raw'");
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        db.jdbi().useHandle(h -> h.execute("delete from pilot where batch_id = 'raw'"));
        return seconds;
    }

    /** Waits until every queue but those in {@code except} has cycled {@code n} times. */
    private void awaitRound(int n, Set<String> except) throws InterruptedException {
        await(() -> db.jdbi().withHandle(h -> h.createQuery("""
                        /* bench */ select count(*) = (select count(*) from queue where configured and name <> all(:except))
                        from (select queue from director_cycle where queue <> all(:except)
                              group by queue having count(*) >= :n) q""")
                .bind("n", n).bind("except", except.toArray(String[]::new)).mapTo(Boolean.class).one()));
    }

    private static void await(BooleanSupplier done) throws InterruptedException {
        Instant end = Instant.now().plus(Duration.ofMinutes(10));
        while (!done.getAsBoolean()) {
            if (Instant.now().isAfter(end)) {
                throw new IllegalStateException("a round did not end within 10 minutes");
            }
            Thread.sleep(200);
        }
    }

    private double meanCycleMillis(int n, Set<String> except) {
        return db.jdbi().withHandle(h -> h.createQuery("""
                        with numbered as (
                            select queue, started_at, ended_at,
                                   row_number() over (partition by queue order by started_at) as n
                            from director_cycle where queue <> all(:except))
                        select avg(extract(epoch from ended_at - started_at)) * 1000 from numbered where n = :n""")
                .bind("n", n).bind("except", except.toArray(String[]::new)).mapTo(Double.class).one());
    }

    /** Statements the server ran since the last reset: Quartz's (on its tables) and the others (pilotd's). */
    private Map<String, Long> statementsBySource() {
        return db.jdbi().withHandle(h -> h.createQuery("""
                        select case when query ilike '%qrtz_%' then 'quartz' else 'pilotd' end as source, sum(calls) as calls
                        from pg_stat_statements
                        where query not like '%pg_stat_statements%' and query not like '%/* bench */%' group by 1""")
                .setMapKeyColumn("source").setMapValueColumn("calls")
                .collectInto(new GenericType<Map<String, Long>>() {
                }));
    }

    private static String seconds(double s) {
        return String.format("%.1f s", s);
    }
}
