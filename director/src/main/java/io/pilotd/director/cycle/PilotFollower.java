package io.pilotd.director.cycle;

import io.pilotd.director.store.PilotRecord;
import io.pilotd.director.store.PilotStore;
import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.Durations;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotState;
import io.pilotd.driver.api.PilotStatus;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Follows a queue's pilots to their end with one bulk status call, and kills the ones that wait
 * too long. A call that fails throws before anything is written: "I don't know" never becomes
 * "gone".
 */
public final class PilotFollower {
    static final String VANISHED = "the cloud no longer knows this pilot";
    /**
     * How long a pilot may stay Unknown before it is given up as Failed. Until then it counts
     * against the limits (a cloud may be slow to show a new resource); after, it would block
     * the queue forever (EC2 forgets a terminated instance within the hour).
     */
    public static final Duration UNKNOWN_GRACE = Duration.ofHours(2);

    private final PilotStore pilots;

    public PilotFollower(PilotStore pilots) {
        this.pilots = pilots;
    }

    /** @return how many pilots changed status */
    public int follow(String queue, PilotDriver driver) throws DriverException {
        List<PilotRecord> followed = pilots.followed(queue);
        if (followed.isEmpty()) {
            return 0;
        }
        Map<String, PilotState> states = driver.status(followed.stream().map(PilotRecord::jobRef).toList());
        Map<String, PilotState> changes = new LinkedHashMap<>();
        for (PilotRecord pilot : followed) {
            PilotState state = states.getOrDefault(pilot.jobRef(), PilotState.of(PilotStatus.Unknown, VANISHED));
            if (state.status() == PilotStatus.Submitting) {
                state = PilotState.of(PilotStatus.Submitted, state.reason());
            }
            if (state.status() != pilot.status()) {
                changes.put(pilot.jobRef(), state);
            }
        }
        return pilots.applyStates(changes);
    }

    /** Gives up the pilots Unknown for longer than {@link #UNKNOWN_GRACE}; @return how many. */
    public int expireUnknown(String queue) {
        PilotState failed = PilotState.of(PilotStatus.Failed,
                "unknown to the cloud for longer than " + Durations.format(UNKNOWN_GRACE));
        Map<String, PilotState> changes = new LinkedHashMap<>();
        pilots.unknownLongerThan(queue, UNKNOWN_GRACE).forEach(p -> changes.put(p.jobRef(), failed));
        return pilots.applyStates(changes);
    }

    /** Kills the pilots not running after the queue's {@code maxWaitingTime}; @return how many. */
    public int killWaitingTooLong(String queue, Duration maxWaitingTime, PilotDriver driver) throws DriverException {
        List<PilotRecord> stuck = pilots.waitingLongerThan(queue, maxWaitingTime);
        if (stuck.isEmpty()) {
            return 0;
        }
        List<String> jobRefs = stuck.stream().map(PilotRecord::jobRef).toList();
        driver.kill(jobRefs);
        PilotState deleted = PilotState.of(PilotStatus.Deleted,
                "killed: not running after " + Durations.format(maxWaitingTime) + " (queue maxWaitingTime)");
        Map<String, PilotState> changes = new LinkedHashMap<>();
        jobRefs.forEach(jobRef -> changes.put(jobRef, deleted));
        return pilots.applyStates(changes);
    }
}
