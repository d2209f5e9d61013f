package io.pilotd.director.cycle;

import java.time.Duration;

/**
 * How long a failing queue waits before it submits again: its cycle, doubled with each failure
 * in a row, capped at {@link #CAP} (or one cycle, if that is longer).
 */
public final class Backoff {
    public static final Duration CAP = Duration.ofMinutes(30);

    private Backoff() {
    }

    /** @param failures the failures in a row, this one included (1 for the first) */
    public static Duration after(int failures, Duration cycle) {
        Duration cap = cycle.compareTo(CAP) > 0 ? cycle : CAP;
        int doublings = Math.min(Math.max(failures - 1, 0), 20);
        Duration delay = cycle.multipliedBy(1L << doublings);
        return delay.compareTo(cap) > 0 ? cap : delay;
    }
}
