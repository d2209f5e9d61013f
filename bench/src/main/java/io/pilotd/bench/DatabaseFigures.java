package io.pilotd.bench;

import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.cycle.QueueCycle;
import io.pilotd.director.payload.PilotEnvironment;
import io.pilotd.director.store.PilotStore;
import io.pilotd.director.store.QueueRow;
import io.pilotd.director.store.QueueStore;
import io.pilotd.director.store.DecisionInputs;
import io.pilotd.director.store.SubmissionLease;
import io.pilotd.driver.api.BatchStamps;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotState;
import io.pilotd.driver.api.PilotStatus;
import io.pilotd.fakes.FakeCloud;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/** The figures of pilotd's own database work, each beside the same work done raw. */
final class DatabaseFigures {
    private static final String DIRECTOR = "bench";
    private final BenchDatabase bench;
    private final Jdbi jdbi;

    DatabaseFigures(BenchDatabase bench) {
        this.bench = bench;
        this.jdbi = bench.database().jdbi();
    }

    /** The round trip every statement pays, at least. */
    Figure roundTrip() {
        jdbi.useHandle(h -> {
            for (int i = 0; i < 200; i++) {
                h.createQuery("select 1").mapTo(Integer.class).one();
            }
        });
        double micros = median(50, () -> jdbi.useHandle(h -> h.createQuery("select 1").mapTo(Integer.class).one())) / 1000.0;
        return new Figure("round trip of select 1 (the floor of any statement)", String.format("%.0f µs", micros),
                "", "", true);
    }

    /**
     * Pilots recorded per second: rows written Submitting, then their jobRefs recorded, in
     * batches of 100 as cycles make them, by {@code threads} queues' cycles at once (the
     * daemon's default threads), against the same rows written by two set-based statements.
     */
    Figure recording(int pilots, int threads) throws InterruptedException {
        bench.clear();
        List<QueueConfig> queues = new Scenery(bench.database()).queues(1, threads, false, 100);
        PilotStore store = new PilotStore(jdbi);
        List<Thread> cycles = new ArrayList<>();
        long start = System.nanoTime();
        for (QueueConfig queue : queues) {
            QueueRow row = new QueueStore(jdbi).get(queue.name());
            Thread cycle = new Thread(() -> {
                for (int b = 0; b < pilots / threads / 100; b++) {
                    String batch = queue.name() + "-" + b;
                    List<String> stamps = BatchStamps.stamps(batch, 100);
                    Map<String, String> jobRefs = new LinkedHashMap<>();
                    stamps.forEach(s -> jobRefs.put(s, "fake://bench/" + s));
                    try (SubmissionLease lease = SubmissionLease.open(jdbi, batch)) {
                        lease.handle().useTransaction(h -> store.insertSubmitting(lease, row, stamps, DIRECTOR, Instant.now(),
                                List.of()));
                        store.recordSubmitted(lease.handle(), jobRefs, Map.of());
                    }
                }
            });
            cycle.start();
            cycles.add(cycle);
        }
        for (Thread cycle : cycles) {
            cycle.join();
        }
        double pilotd = pilots / seconds(start);
        bench.clear();
        QueueConfig queue = new Scenery(bench.database()).queues(1, 1, false, 100).get(0);
        long rawStart = System.nanoTime();
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                            insert into pilot (stamp, queue, site, ce, driver, batch_id, director_id, status, driver_setup_id)
                            select md5('raw/' || i), name, site, ce, driver, 'raw', 'bench', 'Submitting', driver_setup_id
                            from queue, generate_series(1, :n) i where name = :queue""")
                    .bind("n", pilots).bind("queue", queue.name()).execute();
            h.createUpdate("update pilot set job_ref = 'fake://bench/' || stamp, status = 'Submitted' where batch_id = 'raw'")
                    .execute();
        });
        double raw = pilots / seconds(rawStart);
        return new Figure(String.format("pilots recorded per second (Submitting, then jobRefs), %,d in batches of 100 by %d"
                        + " cycles at once", pilots, threads),
                String.format("%,.0f /s", pilotd), String.format("raw PostgreSQL, same rows, 2 statements: %,.0f /s (%.0f %%)",
                raw, 100 * pilotd / raw), "≥ 10,000 /s and ≥ 50 % of raw", pilotd >= 10_000 && pilotd >= raw / 2);
    }

    /** Status writes of n pilots in one cycle's call, per pilot, at two sizes: linear or not. */
    Figure statusWrites(int small, int large) {
        double perPilotSmall = statusWrite(small) / small;
        double perPilotLarge = statusWrite(large) / large;
        return new Figure(String.format("status writes: %,d pilots at once, per pilot", large),
                String.format("%.3f ms", perPilotLarge),
                String.format("%,d at once: %.3f ms a pilot (×%.1f)", small, perPilotSmall, perPilotLarge / perPilotSmall),
                "linear: per-pilot cost within 1.5× across sizes", perPilotLarge <= 1.5 * perPilotSmall);
    }

    private double statusWrite(int pilots) {
        bench.clear();
        QueueConfig queue = new Scenery(bench.database()).queues(1, 1, false, 100).get(0);
        new Scenery(bench.database()).pilots(List.of(queue.name()), pilots, "Submitted");
        Map<String, PilotState> running = new LinkedHashMap<>();
        jdbi.useHandle(h -> h.createQuery("select job_ref from pilot").mapTo(String.class)
                .forEach(ref -> running.put(ref, PilotState.of(PilotStatus.Running, "running"))));
        long start = System.nanoTime();
        new PilotStore(jdbi).applyStates(running);
        return (System.nanoTime() - start) / 1e6;
    }

    /** pilotd's statements in one queue-cycle (Quartz's aside), submitting n pilots, and idle beside n live ones. */
    Figure statementsPerCycle(int large) {
        long one = cycleStatements(1, true);
        long many = cycleStatements(large, true);
        long idle = cycleStatements(large, false);
        return new Figure("pilotd's statements per queue-cycle, submitting n pilots",
                String.format("n = 1: %d, n = %,d: %,d; idle beside %,d live: %d", one, large, many, large, idle),
                String.format("per pilot (DIRAC: an insert and an update each): %,d", 2 * large),
                "≤ 10, whatever n", one <= 10 && many <= 10 && idle <= 10);
    }

    private long cycleStatements(int pilots, boolean submitting) {
        bench.clear();
        Scenery scenery = new Scenery(bench.database());
        QueueConfig queue = scenery.queues(1, 1, false, pilots).get(0);
        FakeCloud cloud = new FakeCloud();
        PilotDriver driver = cloud.driver(DIRECTOR);
        QueueCycle cycle = new QueueCycle(jdbi, PilotEnvironment.none(DIRECTOR), DIRECTOR, Clock.systemUTC(), 1_000_000);
        cycle.run(queue.name(), driver);
        if (submitting) {
            scenery.waitingJobs(pilots);
        } else {
            scenery.waitingJobs(pilots);
            cycle.run(queue.name(), driver);
            cloud.move(PilotStatus.Waiting, PilotStatus.Running);
            cycle.run(queue.name(), driver);
        }
        bench.resetStatements();
        cycle.run(queue.name(), driver);
        return bench.statements();
    }

    /** What one decision reads (locks, counters, site usage, demand), with few and with many waiting jobs. */
    Figure demand(int few, int many) {
        double fewMillis = demandMillis(few);
        double manyMillis = demandMillis(many);
        return new Figure(String.format("a decision's reads (demand, supply, site), %,d waiting jobs", many),
                String.format("%.2f ms", manyMillis), String.format("%,d waiting jobs: %.2f ms", few, fewMillis),
                "independent of the waiting jobs (within 2×)", manyMillis <= 2 * Math.max(fewMillis, 0.5));
    }

    private double demandMillis(int jobs) {
        bench.clear();
        Scenery scenery = new Scenery(bench.database());
        List<QueueConfig> queues = scenery.queues(4, 10, false, 100);
        scenery.waitingJobs(jobs);
        String queue = queues.get(0).name();
        return median(21, () -> jdbi.useTransaction(h -> DecisionInputs.lock(h, queue))) / 1e6;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** The median of n runs, in nanoseconds. */
    static double median(int n, Runnable work) {
        long[] times = new long[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            work.run();
            times[i] = System.nanoTime() - start;
        }
        Arrays.sort(times);
        return times[n / 2];
    }
}
