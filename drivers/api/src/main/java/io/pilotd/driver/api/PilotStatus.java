package io.pilotd.driver.api;

import java.util.EnumSet;
import java.util.Set;

/**
 * A pilot's status, with DIRAC's names so that DIRAC operators read them without a dictionary.
 *
 * <p>{@code Submitting} is the director's intent log: the row exists before the cloud resource.
 * Final states never change again. A pilot not final counts against its queue's
 * {@code maxRunning}; one not seen running (Submitting, Submitted, Waiting, Scheduled, and
 * Unknown, since a cloud may list a new resource late) against {@code maxWaiting} too. Each
 * rule is a method here and a function in the schema (V22), proven equal by PilotStatusRulesTest.
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

    /**
     * The final statuses, which are DIRAC's too (PILOT_FINAL_STATES,
     * DIRAC/WorkloadManagementSystem/Client/PilotStatus.py line 45).
     */
    public static Set<PilotStatus> finals() {
        return EnumSet.copyOf(FINAL);
    }

    /** Never changes again; the schema's {@code pilot_is_final}. */
    public boolean isFinal() {
        return FINAL.contains(this);
    }

    /** Not ended: counts against {@code maxRunning}; the schema's {@code pilot_is_alive}. */
    public boolean isAlive() {
        return !isFinal();
    }

    /** Alive and not seen running: counts against {@code maxWaiting}; the schema's {@code pilot_is_waiting}. */
    public boolean isWaiting() {
        return isAlive() && this != Running;
    }

    /** Ended without success by the cloud or the pilot ({@code Deleted} is the director's doing); {@code pilot_is_failure}. */
    public boolean isFailure() {
        return this == Failed || this == Aborted;
    }

    /** Its name in DIRAC, which has no Submitting: a pilot on its way to the cloud is Submitted there. */
    public String diracName() {
        return this == Submitting ? Submitted.name() : name();
    }
}
