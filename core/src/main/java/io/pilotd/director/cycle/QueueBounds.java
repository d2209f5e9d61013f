package io.pilotd.director.cycle;

import io.pilotd.director.store.QueueCounts;
import io.pilotd.director.store.QueueRow;
import io.pilotd.director.store.SiteQueue;
import java.time.Instant;

/**
 * A queue's own bounds on what it starts: whether it submits at all (enabled, not backing off)
 * and its room under {@code maxWaiting} and {@code maxRunning}. One arithmetic for its decision
 * ({@link Decision}) and for its claim on its site's caps ({@link SiteAllowance}), so that the
 * two never disagree on what a queue would start.
 */
record QueueBounds(boolean enabled, Instant backoffUntil, int maxWaiting, int waiting, int maxRunning, int alive) {

    static QueueBounds of(QueueRow queue, QueueCounts supply) {
        return new QueueBounds(queue.enabled(), queue.backoffUntil(), queue.maxWaiting(), supply.waiting(),
                queue.maxRunning(), supply.alive());
    }

    static QueueBounds of(SiteQueue queue) {
        return new QueueBounds(queue.enabled(), queue.backoffUntil(), queue.maxWaiting(), queue.waiting(),
                queue.maxRunning(), queue.alive());
    }

    boolean backingOff(Instant now) {
        return backoffUntil != null && backoffUntil.isAfter(now);
    }

    /** False while the queue starts nothing of its own accord: disabled, or backing off. */
    boolean submits(Instant now) {
        return enabled && !backingOff(now);
    }

    /** {@code start}, or less where {@code maxWaiting − waiting} or {@code maxRunning − alive} binds, naming the term that does. */
    Decision bound(Decision start) {
        Decision best = Decision.tighter(start, maxWaiting - waiting, DecidingFactor.maxWaiting);
        return Decision.tighter(best, maxRunning - alive, DecidingFactor.maxRunning);
    }
}
