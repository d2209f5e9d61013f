package io.pilotd.driver.api;

import java.util.EnumSet;
import java.util.Set;

/**
 * A pilot's status, with DIRAC's names so that DIRAC operators read them without a dictionary.
 *
 * <p>{@code Submitting} is the director's intent log: the row exists before the cloud resource.
 * Final states never change again. A pilot not final counts against its queue's
 * {@code maxRunning}; one not seen running (Submitting, Submitted, Waiting, Scheduled, and
 * Unknown, since a cloud may list a new resource late) against {@code maxWaiting} too, as
 * {@code pilot_is_waiting} in the schema counts them.
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

    public boolean isFinal() {
        return FINAL.contains(this);
    }

    /** Its name in DIRAC, which has no Submitting: a pilot on its way to the cloud is Submitted there. */
    public String diracName() {
        return this == Submitting ? Submitted.name() : name();
    }
}
