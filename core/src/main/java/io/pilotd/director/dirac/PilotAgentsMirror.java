package io.pilotd.director.dirac;

import io.pilotd.director.background.Background;
import io.pilotd.director.store.ClusterDuties;
import io.pilotd.director.store.DutyTurns;
import io.pilotd.director.store.PilotStore;
import io.pilotd.driver.api.Durations;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps DIRAC's PilotAgents table in step with pilotd's pilots, every {@code dirac.mirrorEvery},
 * in batches. pilotd's database stays the truth: the mirror only reads it (its outbox), and an
 * outage of DIRAC's database lets the outbox grow, never stops a cycle; the first round after it
 * copies everything that changed meanwhile.
 *
 * <p>A pilot's row is queued from its Submitting row on, so DIRAC has it one round after the
 * intent, before the cloud has started the VM or container (and long before DIRAC's pilot,
 * installed in it, registers). Every {@code dirac.touchEvery} each live pilot is queued again
 * whether or not it changed: its LastUpdateTime then never gets older than that (plus the time
 * DIRAC's database is out of reach), well within DIRAC's PilotStalledDays.
 *
 * <p>One director of a cluster copies ({@link ClusterDuties.Duty#PILOT_AGENTS_MIRROR}), taken by
 * another within a round of its death; one that cannot reach DIRAC's database hands the copying
 * over and stands aside for a round.
 */
public final class PilotAgentsMirror implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PilotAgentsMirror.class);
    static final int BATCH = 500;

    /** How long after its end a pilot's jobs are still asked of DIRAC: one DIRAC never had is not asked forever. */
    static final Duration JOBS_ASKED_FOR = Duration.ofDays(2);

    private final PilotAgentsOutbox outbox;
    private final PilotAgentsWriter writer;
    private final PilotStore pilots;
    private final DiracJobCounts jobCounts;
    private final DutyTurns turns;
    private final Clock clock;
    private final Duration touchEvery;
    private Instant touched;
    private boolean failing;

    public PilotAgentsMirror(PilotAgentsOutbox outbox, PilotAgentsWriter writer, PilotStore pilots, ClusterDuties duties,
                             Clock clock, Duration touchEvery) {
        this.outbox = outbox;
        this.writer = writer;
        this.pilots = pilots;
        this.jobCounts = new DiracJobCounts(writer.database());
        this.turns = new DutyTurns(duties, ClusterDuties.Duty.PILOT_AGENTS_MIRROR);
        this.clock = clock;
        this.touchEvery = touchEvery;
    }

    /** Rounds run as the background task {@code pilotagents-mirror}, and stop with the others. */
    public void start(Background background, Duration every) {
        log.info("pilots mirrored to DIRAC's PilotAgents table in {}, every {}; live pilots written again every {}",
                writer.database().description(), Durations.format(every), Durations.format(touchEvery));
        background.every("pilotagents-mirror", Duration.ZERO, every, this::round);
    }

    /**
     * When this director holds the cluster's copying (taking it when no director does): queues
     * the live pilots when they are due to be written again, then copies every change waiting,
     * batch by batch.
     *
     * @return the changes copied; what a failure left stays for the next round
     */
    public int round() {
        int copied = 0;
        try {
            DutyTurns.Turn turn = turns.next();
            if (!turn.doing()) {
                return 0;
            }
            if (turn == DutyTurns.Turn.TAKEN) {
                log.info("this director copies pilots to DIRAC's PilotAgents table for the cluster");
                // the touches of the director that copied before are not known here: every live pilot again
                touched = null;
            }
            Instant now = clock.instant();
            if (touched == null || !now.isBefore(touched.plus(touchEvery))) {
                int live = outbox.enqueueLive();
                touched = now;
                log.debug("{} live pilot(s) queued to be written to DIRAC's PilotAgents again", live);
            }
            int taken;
            do {
                taken = outbox.drain(BATCH, pilots -> writer.write(pilots, clock.instant()));
                copied += taken;
            } while (taken == BATCH);
            recordJobs();
            if (failing) {
                log.info("DIRAC's PilotAgents table reachable again: {} change(s) of pilots copied", copied);
                failing = false;
            }
        } catch (Exception e) {
            if (!failing) {
                log.warn("cannot copy pilots to DIRAC's PilotAgents table {} (kept; the copying is handed to another"
                        + " director, tried again every round): {}", writer.database().description(), e.getMessage());
                failing = true;
            }
            turns.failed();
        }
        return copied;
    }

    /**
     * The jobs DIRAC gave the pilots that ended and whose jobs are not known (empty pilots, jobs
     * per pilot): one statement to DIRAC a round, for at most a batch of them.
     */
    private void recordJobs() throws SQLException {
        List<String> stamps = pilots.endedWithJobsUnknown(clock.instant().minus(JOBS_ASKED_FOR), BATCH);
        if (stamps.isEmpty()) {
            return;
        }
        Map<String, Integer> byReference = jobCounts.count(stamps.stream().map(DiracReference::of).toList());
        Map<String, Integer> byStamp = new LinkedHashMap<>();
        byReference.forEach((reference, jobs) -> DiracReference.stamp(reference).ifPresent(stamp -> byStamp.put(stamp, jobs)));
        pilots.recordJobs(byStamp);
        log.debug("jobs of {} ended pilot(s) read from DIRAC's JobToPilotMapping ({} asked)", byStamp.size(), stamps.size());
    }

    /** Closes the pool to DIRAC's database, once the background (its rounds) has stopped. */
    @Override
    public void close() {
        writer.database().close();
    }
}
