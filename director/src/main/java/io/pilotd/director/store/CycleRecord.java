package io.pilotd.director.store;

import java.time.Instant;

/**
 * One cycle of one queue: what it counted, what it decided and why ({@code decidingFactor}:
 * which limit bound the number of new pilots), and what went wrong.
 */
public record CycleRecord(
        String queue,
        String directorId,
        Instant startedAt,
        Instant endedAt,
        int demand,
        int waiting,
        int alive,
        int submitted,
        String decidingFactor,
        String errors,
        int orphansKilled) {
}
