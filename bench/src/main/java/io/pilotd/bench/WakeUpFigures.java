package io.pilotd.bench;

import io.pilotd.director.config.DatabaseSettings;
import io.pilotd.director.config.DemandSettings;
import io.pilotd.director.config.DiracSettings;
import io.pilotd.director.config.DirectorSettings;
import io.pilotd.director.config.Matching;
import io.pilotd.director.config.PilotdConfig;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.config.QueueLimits;
import io.pilotd.director.config.SiteConfig;
import io.pilotd.director.daemon.Director;
import io.pilotd.director.driver.DriverCatalog;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.TaskQueueSpec;
import io.pilotd.director.store.TaskQueueStore;
import io.pilotd.fakes.FakeDirac;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * From a job's insertion to its pilot's {@code Submitted}: {@code bin/pilotd run}'s director with
 * one queue on a 60 s period (a common DIRAC PollingTime) on the simulated cloud, jobs arriving
 * one at a time at random (8 s apart on average, the same arrivals in every case), each its own
 * task queue. The cases: pilotd's task queue without wake-up, with it (LISTEN/NOTIFY; the default
 * minGap of 10s, then 1s), and DIRAC's TaskQueueDB (a real MariaDB) read every 10 s, with wake-up.
 */
final class WakeUpFigures {
    private static final Duration PERIOD = Duration.ofSeconds(60);
    private static final Duration ARRIVALS = Duration.ofSeconds(120);
    private static final double MEAN_GAP_SECONDS = 8;
    private static final Duration POLL = Duration.ofSeconds(10);
    /** Each case's queue is new: the simulated cloud keeps a queue's pilots for the run. */
    private int runs;

    private final BenchDatabase bench;
    private final Database db;

    WakeUpFigures(BenchDatabase bench) {
        this.bench = bench;
        this.db = bench.database();
    }

    /** Seconds from insertion to Submitted, of every job of a run. */
    private record Latencies(List<Double> seconds) {
        double mean() {
            return seconds.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        }

        double median() {
            List<Double> sorted = seconds.stream().sorted().toList();
            return sorted.get(sorted.size() / 2);
        }

        double max() {
            return seconds.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        }

        String text() {
            return String.format("mean %.2f s, median %.2f s, max %.2f s (%d jobs)", mean(), median(), max(), seconds.size());
        }
    }

    /** A way to insert one waiting job, in a task queue of its own, returning the task queue's id. */
    @FunctionalInterface
    private interface Jobs {
        long insert() throws Exception;
    }

    List<Figure> figures() throws Exception {
        Latencies off = run(new DemandSettings(DemandSettings.PILOTD, null, false, null), null, this::pilotdJob);
        Latencies on = run(new DemandSettings(DemandSettings.PILOTD, null, true, null), null, this::pilotdJob);
        Latencies noGap = run(new DemandSettings(DemandSettings.PILOTD, null, true, Duration.ofSeconds(1)), null, this::pilotdJob);
        FakeDirac dirac = FakeDirac.fresh();
        Latencies fromDirac = run(new DemandSettings(DemandSettings.DIRAC, POLL, true, null),
                new DiracSettings(new DiracSettings.Connection(dirac.url(), FakeDirac.USER, null, null), null, null, null),
                () -> dirac.addTaskQueue(Scenery.VO, "bench", 3600, true, Map.of(), 1));
        return List.of(
                new Figure("job to Submitted, pilotd's task queue, with wake-up (period 60s, minGap 10s)", on.text(),
                        "without: " + off.text(), "", true),
                new Figure("the same, minGap 1s", noGap.text(), "", "", true),
                new Figure("job to Submitted, DIRAC's TaskQueueDB read every 10s, with wake-up", fromDirac.text(),
                        "without wake-up: the period, as above", "", true));
    }

    private long pilotdJob() {
        return new TaskQueueStore(db.jdbi()).add(new TaskQueueSpec(Scenery.VO, "bench", "owner", 3600, 1, 0, 1,
                List.of(), List.of(), List.of(), List.of()), 1);
    }

    private Latencies run(DemandSettings demand, DiracSettings dirac, Jobs jobs) throws Exception {
        bench.clear();
        Path dataDir = Files.createTempDirectory("pilotd-bench-wake");
        Map<Long, Instant> inserted = new LinkedHashMap<>();
        Random random = new Random(23);
        try (Director director = Director.start(config("wake" + ++runs, demand, dirac), db, DriverCatalog.load(), dataDir)) {
            Instant end = Instant.now().plus(ARRIVALS);
            while (Instant.now().isBefore(end)) {
                Thread.sleep((long) (-Math.log(1 - random.nextDouble()) * MEAN_GAP_SECONDS * 1000));
                Instant at = Instant.now();
                inserted.put(jobs.insert(), at);
            }
            Instant deadline = Instant.now().plus(PERIOD).plus(POLL).plus(Duration.ofSeconds(30));
            while (inserted.keySet().stream().anyMatch(tq -> submitted(tq).isEmpty()) && Instant.now().isBefore(deadline)) {
                Thread.sleep(200);
            }
        }
        List<Double> seconds = new ArrayList<>();
        for (Map.Entry<Long, Instant> job : inserted.entrySet()) {
            Instant submitted = submitted(job.getKey()).orElseThrow(() ->
                    new IllegalStateException("the job of task queue " + job.getKey() + " got no pilot"));
            seconds.add(Duration.between(job.getValue(), submitted).toMillis() / 1000.0);
        }
        return new Latencies(seconds);
    }

    /** When the first pilot started for this task queue was Submitted. */
    private Optional<Instant> submitted(long taskQueue) {
        return db.jdbi().withHandle(h -> h.createQuery("""
                        /* bench */ select s.at from pilot p
                        join pilot_status_history s on s.pilot_id = p.id and s.status = 'Submitted'
                        where :tq = any (p.task_queues)
                        order by s.at limit 1""")
                .bind("tq", taskQueue).mapTo(Instant.class).findOne());
    }

    private static PilotdConfig config(String name, DemandSettings demand, DiracSettings dirac) {
        QueueConfig queue = new QueueConfig(name, "BENCH.wake.de", "ce.wake", "default", "simulated", true, PERIOD, null,
                new QueueLimits(1000, 1000, 100, Duration.ofHours(24), null, 0, null),
                new Matching(Scenery.VO, null, null, null, null, 1, null, null), Map.of());
        return new PilotdConfig(new DirectorSettings("bench-wake", null, null, null, false, 2, Duration.ofMinutes(1), null,
                null, null), new DatabaseSettings(null, null, null, null, 12), null, null,
                Map.of(queue.site(), SiteConfig.uncapped()), List.of(queue), demand, dirac, null);
    }
}
