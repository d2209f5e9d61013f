package io.pilotd.director.store;

import java.util.HashMap;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/** The record of the director's cycles, for {@code pilotd queues} and the reports. */
public final class CycleStore {
    private final Jdbi jdbi;

    public CycleStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Records the cycle; with {@code backoffOver}, in the same statement, the queue's back-off
     * ends (a cycle whose driver calls succeeded), so that a quiet cycle writes once.
     */
    public void record(CycleRecord cycle, boolean backoffOver) {
        jdbi.useHandle(h -> h.createUpdate((backoffOver ? """
                        with recovered as (
                            update queue set failures = 0, backoff_until = null, backoff_reason = null, last_error = null,
                                             updated_at = now()
                            where name = :queue
                              and (failures > 0 or backoff_until is not null or last_error is not null))
                        """ : "") + """
                        insert into director_cycle (queue, director_id, started_at, ended_at, waiting_jobs, demand, waiting,
                                                    alive, submitted, deciding_factor, errors, orphans_killed, lag_ms,
                                                    unresolved_hold_ms)
                        values (:queue, :directorId, :startedAt, :endedAt, :waitingJobs, :demand, :waiting, :alive,
                                :submitted, :decidingFactor, :errors, :orphansKilled, :lagMillis, :unresolvedHoldMillis)""")
                .bindMethods(cycle)
                .execute());
    }

    /** The latest cycle of every queue, each found by index (never by reading every cycle kept). */
    public Map<String, CycleRecord> latest() {
        Map<String, CycleRecord> latest = new HashMap<>();
        jdbi.useHandle(h -> h.createQuery("""
                        select c.queue, c.director_id, c.started_at, c.ended_at, c.waiting_jobs, c.demand, c.waiting, c.alive,
                               c.submitted, c.deciding_factor, c.errors, c.orphans_killed, c.lag_ms, c.unresolved_hold_ms
                        from queue q
                        cross join lateral (select * from director_cycle c where c.queue = q.name
                                            order by c.started_at desc limit 1) c""")
                .map((rs, ctx) -> new CycleRecord(rs.getString("queue"), rs.getString("director_id"),
                        PilotStore.instant(rs.getTimestamp("started_at")), PilotStore.instant(rs.getTimestamp("ended_at")),
                        rs.getInt("waiting_jobs"), rs.getInt("demand"), rs.getInt("waiting"), rs.getInt("alive"), rs.getInt("submitted"),
                        rs.getString("deciding_factor"), rs.getString("errors"), rs.getInt("orphans_killed"),
                        rs.getLong("lag_ms"), rs.getObject("unresolved_hold_ms", Long.class)))
                .forEach(c -> latest.put(c.queue(), c)));
        return latest;
    }
}
