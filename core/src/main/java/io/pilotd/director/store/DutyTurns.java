package io.pilotd.director.store;

/**
 * One director's turns at one cluster duty, a period at a time: whether it does the duty this
 * period, and whether it took it just now or lost it; one that failed at it hands it over and
 * stands aside for a period, so that a director that can do it takes it.
 */
public final class DutyTurns {
    /** What this period is for this director. */
    public enum Turn {
        /** It took the duty now: what another holder knew is not known here. */
        TAKEN,
        /** It held the duty already. */
        HELD,
        /** Another director took the duty from it (its session broke meanwhile). */
        LOST,
        /** Another director holds the duty, or this one stands aside after a failure. */
        NONE;

        /** Whether this director does the duty this period. */
        public boolean doing() {
            return this == TAKEN || this == HELD;
        }
    }

    private final ClusterDuties duties;
    private final ClusterDuties.Duty duty;
    private boolean holding;
    private boolean standingAside;

    public DutyTurns(ClusterDuties duties, ClusterDuties.Duty duty) {
        this.duties = duties;
        this.duty = duty;
    }

    /** This period's turn, taking the duty when no director holds it. */
    public Turn next() {
        if (standingAside) {
            standingAside = false;
            return Turn.NONE;
        }
        boolean held = duties.hold(duty);
        Turn turn = held ? (holding ? Turn.HELD : Turn.TAKEN) : (holding ? Turn.LOST : Turn.NONE);
        holding = held;
        return turn;
    }

    /** This director could not do the duty: another takes it, and this one stands aside for a period. */
    public void failed() {
        duties.handOver(duty);
        holding = false;
        standingAside = true;
    }
}
