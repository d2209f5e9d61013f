package io.pilotd.director.store;

import java.time.Duration;
import java.time.Instant;

/** A queue as the database holds it: what the decision reads under the queue's row lock. */
public record QueueRow(
        String name,
        String site,
        String ce,
        String ceQueue,
        String driver,
        String vo,
        int processors,
        int maxRunning,
        int maxWaiting,
        int maxPerCycle,
        Duration cycle,
        Duration maxWaitingTime,
        boolean enabled,
        int failures,
        Instant backoffUntil,
        String lastError) {

    public boolean backingOff(Instant now) {
        return backoffUntil != null && backoffUntil.isAfter(now);
    }
}
