package io.pilotd.director.store;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Jdbi;

/**
 * What the metrics, the health check and the status page read: every statement reads the
 * present, by index, so that a scrape stays cheap with 1,000 queues and years of history.
 */
public final class StatusStore {
    private final Jdbi jdbi;

    public StatusStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * What each queue's pilots did in the last 24 hours, from the {@code efficiency} and
     * {@code cost} reports (the pilots that ended then, by the index on their end).
     */
    public List<QueueWork> work() {
        return jdbi.withHandle(h -> h.createQuery("""
                        select c.queue, c.pilots, c.empty, c.pilot_hours, c.cost, c.empty_cost, e.jobs_per_pilot
                        from (select queue, sum(pilots)::integer as pilots, sum(empty)::integer as empty,
                                     sum(pilot_hours) as pilot_hours, sum(cost) as cost, sum(empty_cost) as empty_cost
                              from report_cost group by queue) c
                        left join (select queue, max(jobs_per_pilot) as jobs_per_pilot from report_efficiency group by queue) e
                               on e.queue = c.queue
                        order by c.queue""")
                .map((rs, ctx) -> new QueueWork(rs.getString("queue"), rs.getInt("pilots"), rs.getInt("empty"),
                        rs.getBigDecimal("jobs_per_pilot"), rs.getBigDecimal("pilot_hours"), rs.getBigDecimal("cost"),
                        rs.getBigDecimal("empty_cost")))
                .list());
    }

    /** Every configured queue, with its pilot counters and its latest cycle (found by index, never by scanning them all). */
    public List<QueueState> queues() {
        return jdbi.withHandle(h -> h.createQuery("""
                        select q.name, q.site, q.driver, q.enabled, q.cycle_seconds, q.max_running, q.max_waiting,
                               s.alive, s.waiting, s.running,
                               case when q.backoff_until > now() then q.backoff_until end as backoff_until,
                               case when q.backoff_until > now() then q.backoff_reason end as backoff_reason,
                               q.last_error, c.started_at, c.ended_at, c.waiting_jobs, c.demand, c.deciding_factor,
                               c.errors, c.lag_ms
                        from queue q
                        cross join lateral supply_of(q.name) s
                        left join lateral (select * from director_cycle c where c.queue = q.name
                                           order by c.started_at desc limit 1) c on true
                        where q.configured
                        order by q.name""")
                .map((rs, ctx) -> new QueueState(rs.getString("name"), rs.getString("site"), rs.getString("driver"),
                        rs.getBoolean("enabled"), Duration.ofSeconds(rs.getLong("cycle_seconds")), rs.getInt("max_running"),
                        rs.getInt("max_waiting"),
                        new QueueCounts(rs.getInt("alive"), rs.getInt("waiting"), rs.getInt("running")),
                        PilotStore.instant(rs.getTimestamp("backoff_until")), rs.getString("backoff_reason"),
                        rs.getString("last_error"), PilotStore.instant(rs.getTimestamp("started_at")),
                        PilotStore.instant(rs.getTimestamp("ended_at")), rs.getObject("waiting_jobs", Integer.class),
                        rs.getObject("demand", Integer.class), rs.getString("deciding_factor"), rs.getString("errors"),
                        rs.getObject("lag_ms", Long.class)))
                .list());
    }

    /** The live pilots of every queue, configured or not, by status. */
    public Map<String, Map<String, Integer>> livePilots() {
        Map<String, Map<String, Integer>> byQueue = new TreeMap<>();
        jdbi.useHandle(h -> h.createQuery("""
                        select queue, status, pilots from queue_pilot_count where pilots > 0""")
                .map((rs, ctx) -> {
                    byQueue.computeIfAbsent(rs.getString("queue"), q -> new TreeMap<>())
                            .put(rs.getString("status"), rs.getInt("pilots"));
                    return null;
                })
                .list());
        return byQueue;
    }
}
