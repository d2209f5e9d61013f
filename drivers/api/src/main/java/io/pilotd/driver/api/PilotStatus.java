package io.pilotd.driver.api;

import java.util.EnumSet;
import java.util.Set;

/**
 * A pilot's status, with DIRAC's names so that DIRAC operators read them without a dictionary.
 *
 * <p>{@code Submitting} is the director's intent log: the row exists before the cloud resource.
 * Final states never change again.
 */
public enum PilotStatus {
    Submitting,
    Submitted,
    Waiting,
    Scheduled,
    Running,
    Done,
    Failed,
    Aborted,
    Deleted,
    Unknown;

    private static final Set<PilotStatus> FINAL = EnumSet.of(Done, Failed, Aborted, Deleted);
    private static final Set<PilotStatus> NOT_YET_RUNNING = EnumSet.of(Submitting, Submitted, Waiting, Scheduled);

    public boolean isFinal() {
        return FINAL.contains(this);
    }

    /** Counts against a queue's {@code maxWaiting}: started but not yet running. */
    public boolean isWaiting() {
        return NOT_YET_RUNNING.contains(this);
    }

    /** Counts against a queue's {@code maxRunning}: anything not final. */
    public boolean isAlive() {
        return !isFinal();
    }

    public static Set<PilotStatus> finalStates() {
        return EnumSet.copyOf(FINAL);
    }

    public static Set<PilotStatus> waitingStates() {
        return EnumSet.copyOf(NOT_YET_RUNNING);
    }
}
