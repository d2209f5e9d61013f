package io.pilotd.director.cycle;

import io.pilotd.director.payload.PilotEnvironment;
import io.pilotd.director.store.CycleRecord;
import io.pilotd.director.store.CycleStore;
import io.pilotd.director.store.PilotStore;
import io.pilotd.director.store.QueueCounts;
import io.pilotd.director.store.QueueRow;
import io.pilotd.director.store.QueueStore;
import io.pilotd.driver.api.PilotDriver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cycle of one queue (DESIGN §3): resolve submissions whose answer was lost, count demand
 * and supply, decide and submit, follow the live pilots (giving up those unknown for too long),
 * kill the ones waiting or living too long, sweep for orphans every few cycles, and record the
 * cycle with its deciding factor. A failing driver call backs the queue off; it never stops the
 * cycle's other steps, nor another queue.
 */
public final class QueueCycle {
    private static final Logger log = LoggerFactory.getLogger(QueueCycle.class);

    private final QueueStore queues;
    private final PilotStore pilots;
    private final CycleStore cycles;
    private final Submitter submitter;
    private final PilotFollower follower;
    private final UnresolvedSubmissions unresolved;
    private final OrphanSweep sweep;
    private final String directorId;
    private final Clock clock;
    private final int sweepEvery;
    /** Cycles of each queue since its last sweep; a queue not in it has not been swept since start-up. */
    private final Map<String, Integer> sinceSweep = new ConcurrentHashMap<>();

    /** @param sweepEvery every how many cycles of a queue its orphan sweep runs (and at its first) */
    public QueueCycle(Jdbi jdbi, PilotEnvironment environment, String directorId, Clock clock, int sweepEvery) {
        this.pilots = new PilotStore(jdbi);
        this.queues = new QueueStore(jdbi);
        this.cycles = new CycleStore(jdbi);
        this.submitter = new Submitter(jdbi, environment, directorId, clock);
        this.follower = new PilotFollower(pilots);
        this.unresolved = new UnresolvedSubmissions(jdbi, pilots, environment);
        this.sweep = new OrphanSweep(jdbi, pilots, directorId);
        this.directorId = directorId;
        this.clock = clock;
        this.sweepEvery = sweepEvery;
    }

    /** A step of the cycle that may fail on its own. */
    private interface Step {
        void run() throws Exception;
    }

    /** What the steps found, filled in as they run. */
    private static final class Outcome {
        final List<String> errors = new ArrayList<>();
        SubmitResult submission;
        int resolved;
        int changed;
        int killed;
        OrphanSweep.Result swept = OrphanSweep.Result.NONE;
    }

    public CycleRecord run(String queueName, PilotDriver driver) {
        Instant start = clock.instant();
        QueueRow queue = queues.get(queueName);
        Outcome outcome = new Outcome();
        Duration window = window(queue, driver);
        long setup = queue.driverSetupId();
        step(outcome, "resolving unanswered submissions",
                () -> outcome.resolved = unresolved.resolve(queue, setup, driver, window, clock.instant()));
        step(outcome, "submitting", () -> {
            outcome.submission = submitter.submit(queueName, driver, Decision.Request.CYCLE, false);
            if (outcome.submission.error() != null) {
                outcome.errors.add("submission " + outcome.submission.error());
            }
        });
        followAndClean(queue, setup, driver, window, outcome);
        if (sweepDue(queueName)) {
            step(outcome, "sweeping for orphans", () -> outcome.swept = sweep.sweep(queueName, driver, window, clock.instant()));
        }
        String errors = String.join("; ", outcome.errors);
        step(outcome, "recording the back-off", () -> {
            if (!outcome.errors.isEmpty()) {
                Instant until = clock.instant().plus(Backoff.after(queue.failures() + 1, queue.cycle()));
                queues.backOff(queueName, until, errors);
            } else if (!queue.backingOff(start)) {
                queues.recovered(queueName);
            }
        });
        CycleRecord record = record(queueName, start, outcome, errors);
        step(outcome, "recording the cycle", () -> cycles.record(record));
        log(queue.name(), record, outcome);
        return record;
    }

    /**
     * Follows the pilots of a driver set-up that is no queue's current one (its queue was removed
     * from the config, renamed, or moved to another driver) until they have all ended; nothing is
     * submitted for it.
     *
     * @return true while some of its pilots are alive
     */
    public boolean followRetired(String queueName, long setup, PilotDriver driver) {
        QueueRow queue = queues.get(queueName);
        Outcome outcome = new Outcome();
        Duration window = window(queue, driver);
        step(outcome, "resolving unanswered submissions",
                () -> outcome.resolved = unresolved.resolve(queue, setup, driver, window, clock.instant()));
        followAndClean(queue, setup, driver, window, outcome);
        if (outcome.changed > 0 || outcome.killed > 0 || outcome.resolved > 0 || !outcome.errors.isEmpty()) {
            log.info("[{}] retired driver set-up {}: changed={} killed={} resolved={}{}", queueName, setup,
                    outcome.changed, outcome.killed, outcome.resolved,
                    outcome.errors.isEmpty() ? "" : " errors: " + String.join("; ", outcome.errors));
        }
        return pilots.anyAlive(setup);
    }

    private void followAndClean(QueueRow queue, long setup, PilotDriver driver, Duration window, Outcome outcome) {
        step(outcome, "following pilots", () -> outcome.changed = follower.follow(setup, driver, window, clock.instant())
                + follower.expireUnknown(setup));
        if (queue.maxWaitingTime() != null) {
            step(outcome, "killing pilots waiting too long",
                    () -> outcome.killed += follower.killWaitingTooLong(setup, queue.maxWaitingTime(), driver, clock.instant()));
        }
        step(outcome, "killing pilots past their lifetime",
                () -> outcome.killed += follower.killPastLifetime(setup, queue.maxLifetime(), driver, clock.instant()));
    }

    private static Duration window(QueueRow queue, PilotDriver driver) {
        return queue.consistencyWindow() != null ? queue.consistencyWindow() : driver.consistencyWindow();
    }

    private boolean sweepDue(String queue) {
        int cycles = sinceSweep.merge(queue, 1, (old, one) -> old + 1);
        if (cycles == 1 || cycles > sweepEvery) {
            sinceSweep.put(queue, 1);
            return true;
        }
        return false;
    }

    private static void step(Outcome outcome, String what, Step step) {
        try {
            step.run();
        } catch (Exception e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            outcome.errors.add(what + ": " + message);
            log.debug("{} failed", what, e);
        }
    }

    private CycleRecord record(String queueName, Instant start, Outcome outcome, String errors) {
        SubmitResult s = outcome.submission;
        QueueCounts supply = s == null ? QueueCounts.NONE : s.supply();
        return new CycleRecord(queueName, directorId, start, clock.instant(),
                s == null ? 0 : s.demand().waitingJobs(), s == null ? 0 : s.demand().pilotsNeeded(),
                supply.waiting(), supply.alive(), s == null ? 0 : s.submitted(),
                s == null ? "error" : s.decision().factor().name(), errors, outcome.swept.killed());
    }

    private static void log(String queue, CycleRecord record, Outcome outcome) {
        boolean didSomething = record.submitted() > 0 || outcome.changed > 0 || outcome.killed > 0
                || outcome.resolved > 0 || outcome.swept.adopted() > 0 || outcome.swept.killed() > 0
                || !outcome.errors.isEmpty();
        if (!didSomething) {
            return;
        }
        String line = "[{}] jobs={} demand={} waiting={} alive={} submitted={} ({}) changed={} killed={} resolved={}"
                + " orphans={} adopted={}{}";
        Object[] args = {queue, record.waitingJobs(), record.demand(), record.waiting(), record.alive(), record.submitted(),
                record.decidingFactor(), outcome.changed, outcome.killed, outcome.resolved,
                outcome.swept.killed(), outcome.swept.adopted(),
                record.errors().isEmpty() ? "" : " errors: " + record.errors()};
        if (record.errors().isEmpty()) {
            log.info(line, args);
        } else {
            log.warn(line, args);
        }
    }
}
