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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cycle of one queue (DESIGN §3): resolve interrupted submissions, count demand and supply,
 * decide and submit, follow the live pilots (giving up those unknown for too long), kill the
 * ones waiting too long, and record the cycle with its deciding factor. A failing driver call backs the queue off; it never stops the
 * cycle's other steps, nor another queue.
 */
public final class QueueCycle {
    private static final Logger log = LoggerFactory.getLogger(QueueCycle.class);

    private final QueueStore queues;
    private final CycleStore cycles;
    private final Submitter submitter;
    private final PilotFollower follower;
    private final InterruptedSubmissions interrupted;
    private final String directorId;
    private final Clock clock;

    public QueueCycle(Jdbi jdbi, PilotEnvironment environment, String directorId, Clock clock) {
        PilotStore pilots = new PilotStore(jdbi);
        this.queues = new QueueStore(jdbi);
        this.cycles = new CycleStore(jdbi);
        this.submitter = new Submitter(jdbi, environment, directorId, clock);
        this.follower = new PilotFollower(pilots);
        this.interrupted = new InterruptedSubmissions(jdbi, pilots);
        this.directorId = directorId;
        this.clock = clock;
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
    }

    public CycleRecord run(String queueName, PilotDriver driver) {
        Instant start = clock.instant();
        QueueRow queue = queues.get(queueName);
        Outcome outcome = new Outcome();
        step(outcome, "resolving interrupted submissions", () -> outcome.resolved = interrupted.resolve(queueName, driver));
        step(outcome, "submitting", () -> {
            outcome.submission = submitter.submit(queueName, driver, Decision.Request.CYCLE, false);
            if (outcome.submission.error() != null) {
                outcome.errors.add("submission " + outcome.submission.error());
            }
        });
        step(outcome, "following pilots", () -> outcome.changed = follower.follow(queueName, driver)
                + follower.expireUnknown(queueName));
        if (queue.maxWaitingTime() != null) {
            step(outcome, "killing pilots waiting too long",
                    () -> outcome.killed = follower.killWaitingTooLong(queueName, queue.maxWaitingTime(), driver));
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
        log(queue, record, outcome);
        return record;
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
                s == null ? 0 : s.demand(), supply.waiting(), supply.alive(), s == null ? 0 : s.submitted(),
                s == null ? "error" : s.decision().factor().name(), errors);
    }

    private static void log(QueueRow queue, CycleRecord record, Outcome outcome) {
        boolean didSomething = record.submitted() > 0 || outcome.changed > 0 || outcome.killed > 0
                || outcome.resolved > 0 || !outcome.errors.isEmpty();
        if (!didSomething) {
            return;
        }
        String line = "[{}] demand={} waiting={} alive={} submitted={} ({}) changed={} killed={} resolved={}{}";
        Object[] args = {queue.name(), record.demand(), record.waiting(), record.alive(), record.submitted(),
                record.decidingFactor(), outcome.changed, outcome.killed, outcome.resolved,
                record.errors().isEmpty() ? "" : " errors: " + record.errors()};
        if (record.errors().isEmpty()) {
            log.info(line, args);
        } else {
            log.warn(line, args);
        }
    }
}
