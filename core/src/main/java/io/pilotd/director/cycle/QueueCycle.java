package io.pilotd.director.cycle;

import io.pilotd.director.payload.PilotEnvironment;
import io.pilotd.director.store.CycleRecord;
import io.pilotd.director.store.CycleStore;
import io.pilotd.director.store.PilotStore;
import io.pilotd.director.store.QueueCounts;
import io.pilotd.director.store.QueueRow;
import io.pilotd.director.store.QueueStore;
import io.pilotd.driver.api.Durations;
import io.pilotd.driver.api.PilotDriver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    /** Sweeps of each queue that failed in a row, since its last one that ran through. */
    private final Map<String, Integer> sweepFailures = new ConcurrentHashMap<>();

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
        /** How long unresolved batches were held; null when there were none. */
        Duration hold;
        int changed;
        int killed;
        OrphanSweep.Result swept = OrphanSweep.Result.NONE;
        boolean cloudAnswered;
        /** The queue's back-off ends with the cycle's record. */
        boolean backoffOver;

        void resolved(UnresolvedSubmissions.Resolution resolution) {
            resolved = resolution.resolved();
            hold = resolution.hold();
        }
    }

    public CycleRecord run(String queueName, PilotDriver driver) {
        return run(queueName, driver, clock.instant());
    }

    /** @param due when the cycle was due; how late it starts is recorded, and said when over a period */
    public CycleRecord run(String queueName, PilotDriver driver, Instant due) {
        return run(queueName, driver, due, false);
    }

    /**
     * @param woken new jobs woke it before its time; a woken cycle, or one starting more than half
     *              its period late, follows its pilots before it decides, so that a slot freed
     *              since the last cycle is used now rather than a period later
     */
    public CycleRecord run(String queueName, PilotDriver driver, Instant due, boolean woken) {
        Instant start = clock.instant();
        QueueStore.Cycling cycling = queues.forCycle(queueName);
        QueueRow queue = cycling.queue();
        Duration lag = due.isBefore(start) ? Duration.between(due, start) : Duration.ZERO;
        if (lag.compareTo(queue.cycle()) > 0) {
            log.warn("[{}] cycle started {}s after it was due, more than its period of {}: the director has more queues"
                            + " than its threads can cycle (director.threads), or a cloud is slow", queueName,
                    lag.toSeconds(), Durations.format(queue.cycle()));
        }
        Outcome outcome = new Outcome();
        Duration window = window(queue, driver);
        long setup = queue.driverSetupId();
        if (cycling.submitting()) {
            step(outcome, "resolving unanswered submissions",
                    () -> outcome.resolved(unresolved.resolve(queue, setup, driver, window, clock.instant())));
        }
        boolean followFirst = woken || lag.compareTo(queue.cycle().dividedBy(2)) > 0;
        if (followFirst) {
            followAndClean(queue, setup, driver, window, outcome);
        }
        step(outcome, "submitting", () -> {
            outcome.submission = submitter.submit(queueName, driver, Decision.Request.CYCLE, false);
            if (outcome.submission.error() != null) {
                outcome.errors.add("submission " + outcome.submission.error());
            }
        });
        if (!followFirst) {
            followAndClean(queue, setup, driver, window, outcome);
        }
        // In a back-off because the cloud did not answer, the sweep's listing is also the probe
        // that tells when it answers again.
        boolean probing = queue.backingOff(start) && QueueRow.CLOUD.equals(queue.backoffReason());
        if (sweepDue(queueName) || probing) {
            boolean swept = step(outcome, "sweeping for orphans", () -> {
                outcome.swept = sweep.sweep(queueName, driver, window, clock.instant());
                outcome.cloudAnswered = true;
            });
            sweepFailures.compute(queueName, (q, failures) -> swept ? null : failures == null ? 1 : failures + 1);
        }
        String errors = String.join("; ", outcome.errors);
        step(outcome, "recording the back-off", () -> backOffOrRecover(queue, start, outcome));
        CycleRecord record = record(queueName, start, lag, outcome, errors);
        step(outcome, "recording the cycle", () -> cycles.record(record, outcome.backoffOver));
        log(queue.name(), record, outcome);
        return record;
    }

    /**
     * A failed submission backs the queue off: a refusal until a later submission succeeds, a
     * cloud that did not answer until any call to it succeeds (its breaker closes). So does a
     * queue whose recent pilots fail before they run. Failed status, listing and kill calls never
     * do: they are retried next cycle.
     */
    private void backOffOrRecover(QueueRow queue, Instant start, Outcome outcome) {
        SubmitResult s = outcome.submission;
        Instant now = clock.instant();
        Instant until = now.plus(Backoff.after(queue.failures() + 1, queue.cycle()));
        if (s != null && s.failure() != null) {
            queues.backOff(queue.name(), until, s.failure() == SubmitResult.Failure.REFUSED ? QueueRow.REFUSED : QueueRow.CLOUD,
                    "submission " + s.error());
            return;
        }
        if (!queue.backingOff(start)) {
            Optional<String> failing = failingPilots(queue, now);
            if (failing.isPresent()) {
                log.warn("[{}] {}: no pilots before {}", queue.name(), failing.get(), until);
                queues.backOff(queue.name(), until, QueueRow.FAILING, failing.get());
            } else {
                outcome.backoffOver = true;
            }
        } else if (QueueRow.CLOUD.equals(queue.backoffReason()) && outcome.cloudAnswered) {
            log.info("[{}] the cloud answers again: back-off over", queue.name());
            outcome.backoffOver = true;
        }
    }

    /** Why the queue's recent pilots call for a back-off, if they do (DIRAC's failed-queue rule, with the reason kept). */
    private Optional<String> failingPilots(QueueRow queue, Instant now) {
        if (queue.maxFailedPilots() == 0) {
            return Optional.empty();
        }
        PilotStore.RecentEnds ends = pilots.recentEnds(queue.name(), now.minus(queue.failedPilotsWindow()));
        if (ends.failedUnrun() < queue.maxFailedPilots() || 2 * ends.failedUnrun() < ends.ended()) {
            return Optional.empty();
        }
        return Optional.of(ends.failedUnrun() + " of the " + ends.ended() + " pilots that ended in the last "
                + Durations.format(queue.failedPilotsWindow()) + " failed before they ran (last: " + ends.lastReason() + ")");
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
                () -> outcome.resolved(unresolved.resolve(queue, setup, driver, window, clock.instant())));
        followAndClean(queue, setup, driver, window, outcome);
        if (outcome.changed > 0 || outcome.killed > 0 || outcome.resolved > 0 || !outcome.errors.isEmpty()) {
            log.info("[{}] retired driver set-up {}: changed={} killed={} resolved={}{}", queueName, setup,
                    outcome.changed, outcome.killed, outcome.resolved,
                    outcome.errors.isEmpty() ? "" : " errors: " + String.join("; ", outcome.errors));
        }
        return pilots.anyAlive(setup);
    }

    private void followAndClean(QueueRow queue, long setup, PilotDriver driver, Duration window, Outcome outcome) {
        PilotFollower.Limits limits = new PilotFollower.Limits(queue.maxWaitingTime(), queue.maxLifetime());
        step(outcome, "following pilots", () -> {
            PilotFollower.Followed followed = follower.follow(setup, driver, window, limits, clock.instant());
            // a pilot that ended before its kill was written is no kill: never below zero
            outcome.changed = Math.max(0, followed.changed() - followed.killed());
            outcome.killed = followed.killed();
        });
    }

    private static Duration window(QueueRow queue, PilotDriver driver) {
        return queue.consistencyWindow() != null ? queue.consistencyWindow() : driver.consistencyWindow();
    }

    /**
     * Every {@code sweepEvery} cycles; after a sweep that failed (a listing that did not answer, a
     * kill of an orphan refused) after 1, 2, 4... cycles up to that, so that a resource whose
     * delete the cloud refused is deleted soon after the cloud accepts deletes again.
     */
    private boolean sweepDue(String queue) {
        int cycles = sinceSweep.merge(queue, 1, (old, one) -> old + 1);
        Integer failures = sweepFailures.get(queue);
        int gap = failures == null ? sweepEvery : Math.min(sweepEvery, 1 << Math.min(failures - 1, 16));
        if (cycles == 1 || cycles > gap) {
            sinceSweep.put(queue, 1);
            return true;
        }
        return false;
    }

    /** @return whether the step ran through */
    private static boolean step(Outcome outcome, String what, Step step) {
        try {
            step.run();
            return true;
        } catch (Exception e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            outcome.errors.add(what + ": " + message);
            log.debug("{} failed", what, e);
            return false;
        }
    }

    private CycleRecord record(String queueName, Instant start, Duration lag, Outcome outcome, String errors) {
        SubmitResult s = outcome.submission;
        QueueCounts supply = s == null ? QueueCounts.NONE : s.supply();
        return new CycleRecord(queueName, directorId, start, clock.instant(),
                s == null ? 0 : s.demand().waitingJobs(), s == null ? 0 : s.demand().pilotsNeeded(),
                supply.waiting(), supply.alive(), s == null ? 0 : s.submitted(),
                s == null ? "error" : s.decision().factor().name(), errors, outcome.swept.killed(), lag.toMillis(),
                outcome.hold == null ? null : outcome.hold.toMillis());
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
