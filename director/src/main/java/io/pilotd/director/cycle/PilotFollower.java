package io.pilotd.director.cycle;

import io.pilotd.director.store.PilotRecord;
import io.pilotd.director.store.PilotStore;
import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.Durations;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotState;
import io.pilotd.driver.api.PilotStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Follows the pilots of one driver set-up to their end with one bulk status call, and kills the
 * ones that wait or live too long. A call that fails throws before anything is written: "I don't
 * know" never becomes "gone"; and a pilot younger than the consistency window that a successful
 * answer leaves out keeps its status, since the cloud may not list it yet.
 */
public final class PilotFollower {
    static final String VANISHED = "the cloud no longer lists this pilot";
    /**
     * How long a pilot may stay Unknown before it is given up as Failed. Until then it counts
     * against the limits (as waiting); after, it would block the queue forever (EC2 forgets a
     * terminated instance within the hour).
     */
    public static final Duration UNKNOWN_GRACE = Duration.ofHours(2);

    /**
     * Pilots followed per status call: a cycle's memory stays bounded however many pilots its
     * queue has (drivers split a call further to their cloud's own limits, 100 for Batch).
     */
    static final int PAGE = 5_000;

    private final PilotStore pilots;

    public PilotFollower(PilotStore pilots) {
        this.pilots = pilots;
    }

    /** @return how many pilots changed status */
    public int follow(long setup, PilotDriver driver, Duration window, Instant now) throws DriverException {
        int changed = 0;
        List<PilotRecord> page = pilots.followed(setup, 0, PAGE);
        while (!page.isEmpty()) {
            changed += follow(page, driver, window, now);
            // a short page is the last: no query to find the next one empty
            page = page.size() < PAGE ? List.of() : pilots.followed(setup, page.get(page.size() - 1).id(), PAGE);
        }
        return changed;
    }

    private int follow(List<PilotRecord> followed, PilotDriver driver, Duration window, Instant now) throws DriverException {
        Map<String, PilotState> states = driver.status(followed.stream().map(PilotRecord::jobRef).toList());
        Map<String, PilotState> changes = new LinkedHashMap<>();
        for (PilotRecord pilot : followed) {
            PilotState state = states.get(pilot.jobRef());
            if (state == null) {
                if (pilot.submittedAt().plus(window).isAfter(now)) {
                    continue;
                }
                state = PilotState.of(PilotStatus.Unknown, VANISHED);
            }
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
    public int expireUnknown(long setup) {
        PilotState failed = PilotState.of(PilotStatus.Failed,
                "unknown to the cloud for longer than " + Durations.format(UNKNOWN_GRACE));
        Map<String, PilotState> changes = new LinkedHashMap<>();
        pilots.unknownLongerThan(setup, UNKNOWN_GRACE).forEach(p -> changes.put(p.jobRef(), failed));
        return pilots.applyStates(changes);
    }

    /** Kills the pilots not running after the queue's {@code maxWaitingTime}; @return how many. */
    public int killWaitingTooLong(long setup, Duration maxWaitingTime, PilotDriver driver, Instant now) throws DriverException {
        return kill(pilots.waitingSince(setup, now.minus(maxWaitingTime)), driver,
                "killed: not running after " + Durations.format(maxWaitingTime) + " (queue maxWaitingTime)");
    }

    /**
     * Kills the pilots alive past the queue's {@code maxLifetime}: the cloud's own net (a VM's
     * timer, a Batch timeout) should have ended them; this one holds for clouds without one.
     */
    public int killPastLifetime(long setup, Duration maxLifetime, PilotDriver driver, Instant now) throws DriverException {
        return kill(pilots.aliveSince(setup, now.minus(maxLifetime)), driver,
                "killed: alive after " + Durations.format(maxLifetime) + " (queue maxLifetime)");
    }

    /**
     * Kills these pilots, all of one driver set-up, with one call, and records them
     * {@code Deleted} with the reason; a pilot that ended meanwhile keeps its final status.
     *
     * @return how many changed status
     */
    public int kill(List<PilotRecord> pilotsToKill, PilotDriver driver, String reason) throws DriverException {
        if (pilotsToKill.isEmpty()) {
            return 0;
        }
        List<String> jobRefs = pilotsToKill.stream().map(PilotRecord::jobRef).toList();
        driver.kill(jobRefs);
        PilotState deleted = PilotState.of(PilotStatus.Deleted, reason);
        Map<String, PilotState> changes = new LinkedHashMap<>();
        jobRefs.forEach(jobRef -> changes.put(jobRef, deleted));
        return pilots.applyStates(changes);
    }
}
