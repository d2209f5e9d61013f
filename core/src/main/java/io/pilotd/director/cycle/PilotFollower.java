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
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Follows the pilots of one driver set-up to their end with one bulk status call a page, and
 * kills the ones that wait or live too long in the same pass. A status call that fails throws
 * before anything is written: "I don't know" never becomes "gone"; and a pilot younger than the
 * consistency window that a successful answer leaves out keeps its status, since the cloud may
 * not list it yet.
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

    /**
     * How long a queue lets its pilots wait and live.
     *
     * @param maxWaitingTime null: a pilot may wait as long as it lives
     */
    public record Limits(Duration maxWaitingTime, Duration maxLifetime) {
    }

    /** What one pass did: pilots whose status changed (killed ones included), and of them those killed. */
    public record Followed(int changed, int killed) {
        static final Followed NONE = new Followed(0, 0);

        Followed plus(Followed other) {
            return new Followed(changed + other.changed, killed + other.killed);
        }
    }

    /**
     * Follows every pilot of the set-up, a page at a time, and in the same pass gives up those
     * Unknown for too long and kills those waiting or living past the queue's limits: per page,
     * one status call, at most one kill call, one write.
     */
    public Followed follow(long setup, PilotDriver driver, Duration window, Limits limits, Instant now) throws DriverException {
        Followed followed = Followed.NONE;
        List<PilotRecord> page = pilots.followed(setup, 0, PAGE);
        while (!page.isEmpty()) {
            followed = followed.plus(follow(page, driver, window, limits, now));
            // a short page is the last: no query to find the next one empty
            page = page.size() < PAGE ? List.of() : pilots.followed(setup, page.get(page.size() - 1).id(), PAGE);
        }
        return followed;
    }

    private Followed follow(List<PilotRecord> page, PilotDriver driver, Duration window, Limits limits, Instant now)
            throws DriverException {
        Map<String, PilotState> states = driver.status(page.stream().map(PilotRecord::jobRef).toList());
        // what the queue learns its cloud's listing lag from (UnresolvedSubmissions' hold)
        Set<String> firstListed = page.stream().filter(p -> p.status() == PilotStatus.Submitted && states.containsKey(p.jobRef()))
                .map(PilotRecord::jobRef).collect(Collectors.toSet());
        Map<String, PilotState> changes = new LinkedHashMap<>();
        Map<String, PilotState> kills = new LinkedHashMap<>();
        for (PilotRecord pilot : page) {
            PilotState state = stateNow(pilot, states.get(pilot.jobRef()), window, now);
            PilotStatus status = state == null ? pilot.status() : state.status();
            if (status == PilotStatus.Unknown && pilot.status() == PilotStatus.Unknown
                    && pilot.updatedAt().plus(UNKNOWN_GRACE).isBefore(now)) {
                state = PilotState.of(PilotStatus.Failed, "unknown to the cloud for longer than " + Durations.format(UNKNOWN_GRACE));
                status = state.status();
            }
            if (state != null) {
                changes.put(pilot.jobRef(), state);
            }
            String kill = killReason(pilot, status, limits, now);
            if (kill != null) {
                kills.put(pilot.jobRef(), PilotState.of(PilotStatus.Deleted, kill));
            }
        }
        if (!kills.isEmpty()) {
            killAsked(kills);
            try {
                driver.kill(List.copyOf(kills.keySet()));
            } catch (DriverException | RuntimeException e) {
                pilots.applyStates(changes, firstListed, now);
                throw e;
            }
            changes.putAll(kills);
        }
        return new Followed(pilots.applyStates(changes, firstListed, now), kills.size());
    }

    /**
     * Written before the kill call, as a submission's rows are before its create: a director
     * killed, or a kill failing, after the cloud acted leaves pilots the cloud will stop listing,
     * and those were killed, not lost.
     */
    private void killAsked(Map<String, PilotState> kills) {
        Map<String, String> reasons = new LinkedHashMap<>();
        kills.forEach((jobRef, state) -> reasons.put(jobRef, state.reason()));
        pilots.killAsked(reasons);
    }

    /**
     * The pilot's new state by the cloud's answer, or null when it keeps its status. One the
     * cloud no longer lists is Unknown, unless a kill of it may have been carried out: then the
     * director ended it.
     */
    private static PilotState stateNow(PilotRecord pilot, PilotState answer, Duration window, Instant now) {
        PilotState state = answer;
        if (state == null) {
            if (pilot.submittedAt().plus(window).isAfter(now)) {
                return null;
            }
            state = pilot.killAsked() != null
                    ? PilotState.of(PilotStatus.Deleted, pilot.killAsked() + " (" + VANISHED + " since)")
                    : PilotState.of(PilotStatus.Unknown, VANISHED);
        }
        if (state.status() == PilotStatus.Submitting) {
            state = PilotState.of(PilotStatus.Submitted, state.reason());
        }
        return state.status() == pilot.status() ? null : state;
    }

    /** Why a pilot now in {@code status} is to be killed, or null. */
    private static String killReason(PilotRecord pilot, PilotStatus status, Limits limits, Instant now) {
        if (status.isFinal()) {
            return null;
        }
        if (status.isWaiting() && limits.maxWaitingTime() != null && pilot.submittedAt().isBefore(now.minus(limits.maxWaitingTime()))) {
            return "killed: not running after " + Durations.format(limits.maxWaitingTime()) + " (queue maxWaitingTime)";
        }
        if (pilot.submittedAt().isBefore(now.minus(limits.maxLifetime()))) {
            return "killed: alive after " + Durations.format(limits.maxLifetime()) + " (queue maxLifetime)";
        }
        return null;
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
        PilotState deleted = PilotState.of(PilotStatus.Deleted, reason);
        Map<String, PilotState> changes = new LinkedHashMap<>();
        pilotsToKill.forEach(pilot -> changes.put(pilot.jobRef(), deleted));
        killAsked(changes);
        driver.kill(List.copyOf(changes.keySet()));
        return pilots.applyStates(changes);
    }
}
