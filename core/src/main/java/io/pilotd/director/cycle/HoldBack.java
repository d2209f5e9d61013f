package io.pilotd.director.cycle;

import io.pilotd.director.store.DecisionInputs;

/**
 * The hold-back rule of a queue whose pilots find no work (README, "Its pilots find no work"),
 * judged in {@code decision_inputs} on its latest {@code window} pilots that ran and ended in the
 * last day with their jobs known, once there are at least half a window of them: when more than
 * {@code threshold} percent of them took no job, a cycle starts only the share of its pilots
 * that the judged ones that found work make, rounded down, and at least one (the pilot that
 * tells when work is back). The queue recovers as its new pilots find work: the empty ones
 * leave the window.
 */
record HoldBack(DecisionInputs.RecentWork work) {
    /** Whether the rule holds the queue back now. */
    boolean holds() {
        return work.window() > 0 && work.judged() > 0 && 2 * work.judged() >= work.window()
                && 100L * work.empty() > (long) work.threshold() * work.judged();
    }

    /** The decision, held back when the rule holds and it would start more than the share. */
    Decision apply(Decision decision) {
        if (!holds() || decision.count() <= 1) {
            return decision;
        }
        int share = Math.max(1, (int) ((long) decision.count() * (work.judged() - work.empty()) / work.judged()));
        return share < decision.count() ? new Decision(share, DecidingFactor.emptyPilots) : decision;
    }
}
