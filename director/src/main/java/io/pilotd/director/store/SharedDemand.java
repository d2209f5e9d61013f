package io.pilotd.director.store;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The demand of queues that share task queues: a waiting job calls for one waiting pilot,
 * whichever queue it comes from ({@code queue_shared_demand} in the schema says how).
 *
 * <p>A decision locks the task queues its queue serves, in id order, after the queue's and the
 * site's row locks: two queues deciding at once for the same jobs take turns, and the second
 * sees the first's pilots. Transaction-scoped advisory locks, so that a task queue read from
 * another database (DIRAC's TaskQueueDB, read-only) can be locked the same way.
 */
public final class SharedDemand {
    /** The advisory-lock key space of task queues (two-int keys, apart from the one-bigint ones of batch leases). */
    private static final int TASK_QUEUE_LOCKS = 17;

    /**
     * What one queue's demand is made of.
     *
     * @param waitingJobs    waiting jobs of the task queues it serves
     * @param coveringPilots pilots not yet running, of any queue, submitted for those task queues
     * @param pilotsNeeded   what is left for this queue to start: the demand term of its decision
     */
    public record Demand(int waitingJobs, int coveringPilots, int pilotsNeeded) {
        public static final Demand NONE = new Demand(0, 0, 0);
    }

    private final Jdbi jdbi;

    public SharedDemand(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Locks the task queues the queue serves that have waiting jobs, in id order; returns their ids. */
    public List<Long> lockTaskQueues(Handle h, String queue) {
        List<Long> ids = h.createQuery("""
                        with served as materialized (select tq_id from queue_task_queue_match where queue = :queue)
                        select s.tq_id from served s
                        where exists (select 1 from task_queue_job j where j.tq_id = s.tq_id and j.status = 'Waiting')
                        order by s.tq_id""")
                .bind("queue", queue).mapTo(Long.class).list();
        for (long id : ids) {
            h.createQuery("select true from pg_advisory_xact_lock(:space, :key)")
                    .bind("space", TASK_QUEUE_LOCKS).bind("key", (int) (id % Integer.MAX_VALUE)).mapTo(Boolean.class).one();
        }
        return ids;
    }

    public Demand of(Handle h, String queue) {
        return of(h, List.of(queue)).getOrDefault(queue, Demand.NONE);
    }

    /** The demand of several queues, in one query. */
    public Map<String, Demand> of(Handle h, Collection<String> queues) {
        Map<String, Demand> demands = new LinkedHashMap<>();
        h.createQuery("select queue, waiting_jobs, covering_pilots, demand from queue_shared_demand(:queues)")
                .bind("queues", queues.toArray(String[]::new))
                .map((rs, ctx) -> Map.entry(rs.getString("queue"),
                        new Demand(rs.getInt("waiting_jobs"), rs.getInt("covering_pilots"), rs.getInt("demand"))))
                .forEach(e -> demands.put(e.getKey(), e.getValue()));
        return demands;
    }

    public Map<String, Demand> of(Collection<String> queues) {
        return jdbi.withHandle(h -> of(h, queues));
    }
}
