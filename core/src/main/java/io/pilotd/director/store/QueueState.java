package io.pilotd.director.store;

import java.time.Duration;
import java.time.Instant;

/**
 * A configured queue as an operator looks at it: its limits, its live pilots, its back-off, and
 * what its last cycle counted and decided (null fields when it has not cycled yet).
 */
public record QueueState(
        String name,
        String site,
        String driver,
        boolean enabled,
        Duration cycle,
        int maxRunning,
        int maxWaiting,
        QueueCounts pilots,
        Instant backoffUntil,
        String backoffReason,
        String lastError,
        Instant lastCycleStarted,
        Instant lastCycleEnded,
        Integer waitingJobs,
        Integer demand,
        String decidedBy,
        String lastCycleErrors,
        Long lagMillis) {
}
