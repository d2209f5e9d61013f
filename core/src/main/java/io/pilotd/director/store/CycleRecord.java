package io.pilotd.director.store;

import java.time.Instant;

/**
 * One cycle of one queue: what it counted, what it decided and why ({@code decidingFactor}:
 * which limit bound the number of new pilots), and what went wrong.
 *
 * @param waitingJobs the waiting jobs the queue could serve
 * @param demand      the pilots they still called for, every queue's waiting pilots counted
 * @param lagMillis   how late the cycle started after it was due
 * @param unresolvedHoldMillis how long it held a batch whose submission's answer was lost, or
 *                    null when it had none ({@code UnresolvedSubmissions}' hold)
 */
public record CycleRecord(
        String queue,
        String directorId,
        Instant startedAt,
        Instant endedAt,
        int waitingJobs,
        int demand,
        int waiting,
        int alive,
        int submitted,
        String decidingFactor,
        String errors,
        int orphansKilled,
        long lagMillis,
        Long unresolvedHoldMillis) {
}
